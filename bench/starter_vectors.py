"""Write the e5 vectors of the documents of the starter claims registry (src/loa/claims/data/starter_vectors.npz)
and of the starter FAQ (src/loa/answers/data/starter_vectors.npz), which their indexes use instead of embedding
those texts in every process. Run it after changing a starter file, how entries become documents, or the e5 model
(tests/claims/test_starter_vectors.py and tests/answers/test_starter_vectors.py say when):

    .venv/bin/python bench/starter_vectors.py
"""

from __future__ import annotations

import tempfile

from loa.answers import service as answers
from loa.answers import transfer
from loa.claims import matching
from loa.claims import service as claims
from loa.db import dispose_engines, session_scope, upgrade
from loa.search import Index, embed
from loa.search.prep import head

WORDS = Index("probe", semantic=False).passage_words  # what both indexes embed of each document


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/starter.sqlite3"
        upgrade(url)
        with session_scope(url) as db:
            claims.import_starter(db)
            transfer.import_starter(db)
            db.flush()
            made = {
                path: [head(body, WORDS) for _, body, _ in index.documents(db)]
                for path, index in (
                    (matching.STARTER_VECTORS, matching.INDEX),
                    (answers.STARTER_VECTORS, answers.INDEX),
                )
            }
        dispose_engines()
    for path, texts in made.items():
        embed.write_shipped(path, texts)
        print(f"{len(set(texts))} vectors ({embed.model_id()}) → {path}")


if __name__ == "__main__":
    main()
