"""Notebook flow: tag the bundled example documents, their summaries as a pandas
DataFrame, and charts saved as PNG (needs the extras: pip install '.[pandas,plot]' in a checkout).

    python examples/notebook_flow.py [OUTPUT_FOLDER]     # default: a new temporary folder

In a notebook, drop the ``matplotlib.use("Agg")`` line and the charts show inline.
"""
import sys
import tempfile
from pathlib import Path

try:
    import matplotlib
    import pandas  # noqa: F401
except ImportError as missing:
    sys.exit(f"notebook_flow.py needs {missing.name}: pip install '.[pandas,plot]' in a checkout "
             "(or pip install pandas matplotlib)")

matplotlib.use("Agg")  # draw to files; a notebook shows the figures instead

import measures  # noqa: E402

HERE = Path(__file__).parent
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="measures-notebook-"))
out.mkdir(parents=True, exist_ok=True)

# 1. Tag the three bundled example documents.
model = measures.load_model()
documents = [model.tag(path.read_text(encoding="utf-8"), source=path.stem)
             for path in sorted(HERE.glob("*.txt"))]

# 2. One row per document, one column per category: the share of its sentences.
frame = measures.summaries_frame(documents)
print(frame.round(2).T.to_string())
print("\nmost frequent measure per document:")
measures_only = frame.drop(columns="other")
print(measures_only.idxmax(axis=1).where(measures_only.max(axis=1) > 0).to_string())  # NaN: no measure
tied = (measures_only.eq(measures_only.max(axis=1), axis=0).sum(axis=1) > 1) & (measures_only.max(axis=1) > 0)
print("tied for the most (the first in label order is shown):", ", ".join(tied[tied].index) or "none")
frame.to_csv(out / "shares.csv")

# 3. Charts: one document's bars, and all documents side by side.
ax = documents[0].summary().plot()
ax.figure.savefig(out / "summary.png", dpi=120)
ax = measures.plot_comparison(documents)
ax.figure.savefig(out / "comparison.png", dpi=120)

print(f"\nwrote {out / 'shares.csv'}, {out / 'summary.png'} and {out / 'comparison.png'}")
