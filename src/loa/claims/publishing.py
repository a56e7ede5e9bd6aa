"""Published fact-checks: schema.org ClaimReview JSON-LD, the RSS feed, and the short spoken (loudspeaker) and
social-media versions drafted from the explanation (editable before use)."""

from __future__ import annotations

import re

from loa.claims.models import VERDICTS, Claim, ClaimAppearance
from loa.text import sentences

PUBLIC_PATH = "/kiem-chung"


def url(base: str, claim: Claim) -> str:
    return f"{base.rstrip('/')}{PUBLIC_PATH}/{claim.key}"


def title(claim: Claim) -> str:
    return f"Kiểm chứng: {claim.text}"


def verdict_vi(claim: Claim) -> str:
    return VERDICTS[claim.verdict][0] if claim.verdict else ""


def _lead(text: str, n: int) -> str:
    return " ".join(sentences(text)[:n]) if text else ""


def article_text(claim: Claim) -> str:
    """The fact-check as plain text (for the content library)."""
    lines = [f"Tin: {claim.text}", f"Kết luận: {verdict_vi(claim)}", "", claim.explanation, "", "Nguồn:"]
    lines += [
        f"- {s.publisher}: {s.title} ({s.url}{', ' + s.date.isoformat() if s.date else ''})" for s in claim.sources
    ]
    return "\n".join(lines)


def _speakable(text: str) -> str:
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r"\s*\([^)]*\)", "", text)
    replacements = {
        "°C": " độ C",
        "%": " phần trăm",
        "COVID-19": "Cô-vít mười chín",
        "SpO2": "chỉ số ô-xy trong máu",
        "5K": "năm K",
        "WHO": "Tổ chức Y tế Thế giới",
        "CDC": "cơ quan phòng bệnh Hoa Kỳ",
    }
    for a, b in replacements.items():
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def spoken_version(claim: Claim) -> str:
    """A short text for commune loudspeakers: the rumour, the verdict, the facts in two sentences, the source."""
    first = claim.text[0].lower() + claim.text[1:] if claim.text else ""
    publishers = ", ".join(dict.fromkeys(s.publisher.split(" (")[0] for s in claim.sources[:2]))
    parts = [
        f"Thông tin cần biết. Có tin đồn cho rằng {first}.",
        f"Đây là thông tin {verdict_vi(claim).lower()}." if claim.verdict else "",
        _lead(claim.explanation, 2),
        f"Theo {publishers}." if publishers else "",
        "Bà con hãy làm theo hướng dẫn của ngành y tế.",
    ]
    return _speakable(" ".join(p for p in parts if p))


def social_version(claim: Claim, base: str = "") -> str:
    """A post for social media: verdict first, the facts, the sources, the link."""
    publishers = ", ".join(dict.fromkeys(s.publisher for s in claim.sources))
    lines = [f"[{verdict_vi(claim).upper()}] {claim.text}", "", f"Sự thật: {_lead(claim.explanation, 2)}"]
    if publishers:
        lines.append(f"Nguồn: {publishers}")
    if base:
        lines.append(f"Chi tiết: {url(base, claim)}")
    lines.append("#KiemChung #COVID19 #SuckhoeTraVinh")
    return "\n".join(lines)


def claim_review(claim: Claim, base: str, organisation: str, appearances: list[ClaimAppearance] = ()) -> dict:
    """schema.org ClaimReview for a published claim."""
    vi, en, value = VERDICTS[claim.verdict]
    seen = [
        {"@type": "CreativeWork", "text": a.text[:300], "datePublished": a.seen_at.date().isoformat()}
        for a in list(appearances)[:5]
    ]
    if not seen:
        seen = [{"@type": "CreativeWork", "text": claim.original_text or claim.text}]
    item = {"@type": "Claim", "appearance": seen, "firstAppearance": seen[-1]}
    if claim.first_seen_at:
        item["datePublished"] = claim.first_seen_at.date().isoformat()
    if claim.original_text and claim.original_language != "vi":
        item["alternateName"] = claim.original_text
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url(base, claim),
        "claimReviewed": claim.text,
        "datePublished": (claim.published_at or claim.updated_at).date().isoformat(),
        "inLanguage": "vi",
        "author": {"@type": "Organization", "name": organisation, "url": base.rstrip("/") + PUBLIC_PATH},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": vi,
            "name": en,
        },
        "itemReviewed": item,
        "reviewBody": claim.explanation,
        "citation": [
            {
                "@type": "CreativeWork",
                "name": s.title or s.publisher,
                "url": s.url,
                "publisher": {"@type": "Organization", "name": s.publisher},
                **({"datePublished": s.date.isoformat()} if s.date else {}),
            }
            for s in claim.sources
        ],
    }


def rss(claims: list[Claim], base: str, organisation: str) -> bytes:
    """RSS 2.0 feed of published fact-checks, newest first."""
    from feedgen.feed import FeedGenerator  # here, not at the top: feedgen (lxml) takes ~0.3 s to load

    fg = FeedGenerator()
    fg.title(f"Kiểm chứng thông tin sức khỏe — {organisation}")
    fg.link(href=base.rstrip("/") + PUBLIC_PATH, rel="alternate")
    fg.description("Các bài kiểm chứng tin sai lệch về sức khỏe, có dẫn nguồn.")
    fg.language("vi")
    for claim in sorted(claims, key=lambda c: c.published_at, reverse=True):
        entry = fg.add_entry(order="append")
        entry.id(url(base, claim))
        entry.guid(url(base, claim), permalink=True)
        entry.title(f"[{verdict_vi(claim)}] {claim.text}")
        entry.link(href=url(base, claim))
        entry.description(claim.explanation)
        entry.published(claim.published_at)
        entry.category(term=verdict_vi(claim))
    return fg.rss_str(pretty=True)
