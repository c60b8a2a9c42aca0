"""Labelling loop: let the model pick the sentences it is least sure of and write them in
the guide's TSV format for you to correct; run again with --retrain to retrain on the file
as you corrected it.

    python examples/labelling_loop.py OUTPUT_FOLDER             writes OUTPUT_FOLDER/to_label.tsv
    (correct the 'labels' column in a spreadsheet or editor; keep the header)
    python examples/labelling_loop.py OUTPUT_FOLDER --retrain   the bundled corpus and your file

Without OUTPUT_FOLDER the file goes to a new temporary folder. --retrain refuses a file in
which no row's labels differ from the model's guesses: the script cannot know that you
read them, and a model retrained on its own guesses learns nothing from you (if every
guess is right, `measures train bundled OUTPUT_FOLDER/to_label.tsv` trains on it as it is).

The same from the command line:

    measures suggest examples/ -n 20 --per-document 8 -o to_label.tsv
    (correct the 'labels' column in a spreadsheet or editor; keep the header)
    measures train bundled to_label.tsv -o my-model
    measures tag examples/press_briefing.txt --model my-model
"""
import shlex
import sys
import tempfile
from pathlib import Path

import measures
from measures.datasets import training_files
from measures.suggesting import write_suggestions

HERE = Path(__file__).parent
args = [a for a in sys.argv[1:] if a != "--retrain"]
retrain = "--retrain" in sys.argv[1:]
if retrain and not args:
    sys.exit("--retrain trains on the file you corrected: give the OUTPUT_FOLDER it was written to")
out = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="measures-labelling-"))
to_label = out / "to_label.tsv"
train_command = f"measures train bundled {shlex.quote(str(to_label))} -o {shlex.quote(str(out / 'my-model'))}"
if retrain and not to_label.exists():
    sys.exit(f"{to_label} does not exist: run without --retrain first to write it, then correct it")

# 1. Pick the 20 sentences the model is least sure of: at most 8 a document, no two
#    near-duplicates. Documents are read and tagged one at a time. The picks are the
#    same at each run, so the retraining run knows the guesses the file was written with.
model = measures.load_model()
documents = ((path.name, path.read_text(encoding="utf-8")) for path in sorted(HERE.glob("*.txt")))
picks = measures.suggest(model, documents, n=20, per_document=8)

if not retrain:
    for pick in picks[:5]:
        print(f"{pick.margin:.3f}  {'|'.join(pick.labels):<40} {pick.text[:40]}")
    out.mkdir(parents=True, exist_ok=True)
    # 2. Write them as TSV: text, the model's guess as labels (primary first), and extra
    #    columns (margin, scores, source, sentence, document) that training ignores.
    try:
        write_suggestions(picks, str(to_label))
    except measures.OutputError as error:  # this folder's round, which you may have corrected
        sys.exit(f"{error}; or give another OUTPUT_FOLDER")
    print(f"\nwrote {len(picks)} sentences to {to_label}; correct the 'labels' column, then retrain:")
    print(f"  python {shlex.quote(sys.argv[0])} {shlex.quote(str(out))} --retrain")
    print(f"  (or: {train_command})")
    sys.exit()

# 3. Read the corrected file as the trainer will (a bad label is named by its file:line).
try:
    corrected = measures.read_labelled(str(to_label))
except measures.DataError as error:
    sys.exit(str(error))
guesses = {(pick.text, pick.labels) for pick in picks}
changed = sum(row not in guesses for row in zip(corrected.texts, corrected.labels))
if not changed:
    sys.exit(f"{to_label}: every row still has the model's guess as its labels; correct the 'labels' "
             f"column first (if every guess is right: {train_command})")
print(f"{len(corrected)} rows read, {changed} of them labelled otherwise than the model guessed")

# 4. Retrain on the bundled corpus plus the corrected file, read as files, so that the
#    model card names yours (about 20 s).
retrained = measures.train([*training_files(), str(to_label)], name="with-my-corrections")
retrained.save(out / "my-model")
print(f"saved {retrained} to {out / 'my-model'}")
