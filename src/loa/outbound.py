"""Requests to addresses people give Loa (feeds, pages to poll): the public internet only.

Every hop is checked before Loa connects: the scheme is http or https, the host name is resolved and each of its
addresses must be a public one (not loopback, private, shared, link-local — where cloud metadata services
live —, multicast or reserved, also when wrapped in an IPv6 form); the connection then goes to the very address
checked, so a second DNS answer cannot point elsewhere. Redirects are followed here, hop by hop, at most
``LOA_FETCH_MAX_REDIRECTS``. An administrator may allow named hosts on the local network with
``LOA_FETCH_ALLOW_HOSTS`` (``host`` or ``host:port``, comma-separated).

Whatever goes wrong before an answer arrives (a refused address, no such host, a closed port, an error status)
gives one and the same message, so that the answers never map the inside of the network; the reason is logged.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from loa.errors import UserError

log = logging.getLogger("loa.outbound")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_FETCH_", env_file=".env", extra="ignore")

    allow_hosts: str = Field(
        default="", description="Hosts (host or host:port, comma-separated) Loa may fetch from although not public"
    )
    max_redirects: int = Field(default=5, description="Redirects followed before a fetch is refused")


class TooLarge(Exception):
    """The answer is larger than the caller's limit."""


class Timeout(Exception):
    """The server did not answer in time."""


def unreachable() -> UserError:
    return UserError(
        "Không lấy được nội dung từ địa chỉ này (địa chỉ không được phép, không kết nối được hoặc máy chủ báo lỗi).",
        "Could not get anything from this address (address not allowed, unreachable, or the server answered "
        "with an error).",
        502,
    )


def is_public(ip: IPAddress) -> bool:
    """Whether an address is on the public internet (IPv4 inside IPv6 forms judged as the IPv4 address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return is_public(inner)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (tests replace this to play a DNS server)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _allowed(host: str, port: int, settings: OutboundSettings) -> bool:
    names = {h.strip().lower() for h in settings.allow_hosts.split(",") if h.strip()}
    return host in names or f"{host}:{port}" in names


def _target(url: httpx.URL, settings: OutboundSettings) -> IPAddress:
    """The checked address to connect to for ``url``; a refusal is logged and raised as ``unreachable()``."""
    if url.scheme not in ("http", "https") or not url.host:
        log.warning("fetch refused: %s is not an http(s) address", url)
        raise unreachable()
    host, port = url.host.lower(), url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        log.warning("fetch refused: %s does not resolve (%s)", host, exc)
        raise unreachable() from None
    if not addresses:
        raise unreachable()
    if not _allowed(host, port, settings):
        private = [str(a) for a in addresses if not is_public(a)]
        if private:
            log.warning("fetch refused: %s resolves to %s (not public; see LOA_FETCH_ALLOW_HOSTS)", host, private)
            raise unreachable()
    return addresses[0]


def get(
    url: str, *, timeout: float, max_bytes: int, headers: dict | None = None, settings: OutboundSettings | None = None
) -> tuple[bytes, str]:
    """The body and content type at ``url``, every hop checked (see the module). Raises ``unreachable()``,
    ``TooLarge`` or ``Timeout``."""
    settings = settings or OutboundSettings()
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise unreachable() from None
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _hop in range(settings.max_redirects + 1):
            ip = _target(current, settings)
            pinned = current.copy_with(host=str(ip))
            extensions = {"sni_hostname": current.host} if current.scheme == "https" else {}
            host_header = current.netloc.decode("ascii")
            try:
                with client.stream(
                    "GET", pinned, headers={**(headers or {}), "Host": host_header}, extensions=extensions
                ) as r:
                    if r.is_redirect and "location" in r.headers:
                        try:
                            current = current.join(r.headers["location"])
                        except httpx.InvalidURL:
                            raise unreachable() from None
                        continue
                    if r.status_code >= 400:
                        log.warning("fetch of %s failed: HTTP %s", current, r.status_code)
                        raise unreachable()
                    if int(r.headers.get("content-length") or 0) > max_bytes:
                        raise TooLarge()
                    chunks, size = [], 0
                    for chunk in r.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise TooLarge()
                        chunks.append(chunk)
                    return b"".join(chunks), r.headers.get("content-type", "")
            except httpx.TimeoutException:
                raise Timeout() from None
            except httpx.HTTPError as exc:
                log.warning("fetch of %s failed: %s", current, exc.__class__.__name__)
                raise unreachable() from None
    log.warning("fetch of %s refused: more than %s redirects", url, settings.max_redirects)
    raise unreachable()
