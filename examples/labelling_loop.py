"""Labelling loop: let the model pick the sentences it is least sure of, write them in
the guide's TSV format to correct, and retrain on the corrected file.

    python examples/labelling_loop.py [OUTPUT_FOLDER] [--retrain]

The same from the command line:

    measures suggest examples/ -n 20 --per-document 8 -o to_label.tsv
    (correct the 'labels' column in a spreadsheet or editor; keep the header)
    measures train bundled to_label.tsv -o my-model
    measures tag examples/press_briefing.txt --model my-model
"""
import sys
import tempfile
from pathlib import Path

import measures
from measures.suggesting import write_suggestions

HERE = Path(__file__).parent
args = [a for a in sys.argv[1:] if a != "--retrain"]
out = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="measures-labelling-"))
out.mkdir(parents=True, exist_ok=True)

# 1. Pick the 20 sentences the model is least sure of: at most 8 a document, no two
#    near-duplicates. Documents are read and tagged one at a time.
model = measures.load_model()
documents = ((path.name, path.read_text(encoding="utf-8")) for path in sorted(HERE.glob("*.txt")))
picks = measures.suggest(model, documents, n=20, per_document=8)
for pick in picks[:5]:
    print(f"{pick.margin:.3f}  {'|'.join(pick.labels):<40} {pick.text[:40]}")

# 2. Write them as TSV: text, the model's guess as labels (primary first), and extra
#    columns (margin, scores, source, sentence, document) that training ignores.
to_label = out / "to_label.tsv"
try:
    write_suggestions(picks, str(to_label))
except measures.OutputError as error:  # this folder's round, which you may have corrected
    sys.exit(f"{error}; or give another OUTPUT_FOLDER")
print(f"\nwrote {len(picks)} sentences to {to_label}; correct the 'labels' column, then retrain:")
print(f"  measures train bundled {to_label} -o {out / 'my-model'}")

# 3. Check the corrected file like the trainer will (bad labels are reported with file:line).
corrected = measures.read_labelled(str(to_label))
print(f"{len(corrected)} rows read back; labels of the first: {'|'.join(corrected.labels[0])}")

# 4. Retrain on the bundled corpus plus the corrected sentences (about 20 s).
if "--retrain" in sys.argv:
    corpus = measures.load_training_data()
    retrained = measures.train(list(zip(corpus.texts, corpus.y)) + list(zip(corrected.texts, corrected.y)),
                               name="with-my-corrections")
    retrained.save(out / "my-model")
    print(f"saved {retrained} to {out / 'my-model'}")
