"""The ``measures`` command: tag, report, suggest, train, evaluate, check-data, explain."""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import signal
import sys
import time
import warnings
from pathlib import Path

from . import __version__

EXAMPLES = {
    "tag": """examples:
  measures tag speech.txt                      per-category summary of one document
  measures tag a.txt b.html --format json      sentences, labels, scores and summaries as JSON
  measures tag archive/ --format jsonl -o out.jsonl --jobs 2
                                               a folder (or .jsonl corpus) streamed to JSONL
  cat speech.txt | measures tag -              standard input
  measures tag notes.txt --format csv --bom -o notes.csv   CSV that Excel opens as UTF-8""",
    "train": """examples:
  measures train -o my-model                   retrain from the bundled corpus
  measures train bundled mine.tsv -o my-model  bundled corpus plus your own sentences
  measures train mine.tsv -o my-model --skip-bad-rows""",
    "suggest": """examples:
  measures suggest archive/ -n 200 -o to_label.tsv
                                               the 200 sentences the model is least sure of
  measures suggest corpus.jsonl -n 100 --per-document 2 --exclude mine.tsv -o round2.tsv
                                               at most 2 a document, none already labelled
  then correct the 'labels' column and retrain:
  measures train bundled to_label.tsv -o my-model""",
    "evaluate": """examples:
  measures evaluate labelled.tsv               figures of the shipped model
  measures evaluate labelled.tsv --model my-model --format json""",
    "check-data": """examples:
  measures check-data                          the bundled corpus
  measures check-data mine.tsv --format json
  measures check-data mine.tsv --second-reading colleague.tsv   how two annotators agree""",
    "report": """examples:
  measures report speech.txt -o report.html    one document, highlighted sentence by sentence
  measures report examples/*.txt -o report.html --title "本周防控文件"
                                               several documents, with a document x category table
  measures report archive/ -o report.html --model my-model""",
    "explain": """examples:
  measures explain "全市开展新一轮全员核酸检测，对阳性人员即查即转。\"""",
}


class CommandError(Exception):
    """An error to print as one line and exit with status 1."""


class UsageError(Exception):
    """A command line that cannot work whatever the inputs hold: one line, exit status 2,
    as argparse's own usage errors."""


class _Terminated(BaseException):
    """SIGTERM or SIGHUP, raised (like KeyboardInterrupt for Ctrl-C) so that cleanup runs:
    no half-written temporary file is left beside the output."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# The signal that is stopping the run, once one has come.
_stopping: int | None = None
# The process whose run _stopped stops: a worker forked from it has the handler too until
# its initializer (forking.quiet_worker) runs.
_run_pid: int | None = None
_an_input_failed = False


def _stopped(signum, frame):
    """Ctrl-C or a STOP_SIGNAL. The first is raised (KeyboardInterrupt or _Terminated) so
    that the run cleans up; a second, while it does, ends the run at once: the temporary
    outputs are removed and the process leaves (raised again, it cut the cleanup short,
    leaving half a temporary file and tracebacks; ignored, a cleanup that hung could not
    be stopped). Workers end with their parent."""
    global _stopping
    if _run_pid is not None and os.getpid() != _run_pid:
        # a worker just forked, its pool being ended (a worker died, Ctrl-C): it ends as
        # quiet_worker would have it end, not with a traceback from multiprocessing's start
        if signum != signal.SIGINT:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        return
    if _stopping is not None:
        from .outputs import remove_unfinished

        remove_unfinished()
        _say(_STOP_WORDS[_stopping])
        sys.stderr.flush()
        os._exit(_stop_code(_stopping))
    _stopping = signum
    if _in_record:  # raised when the record is whole (_whole_record); a stalled pipe can hold it
        _say(f"{_STOP_WORDS[signum]}: stopping when the document being written to standard output "
             f"is whole (again to stop at once)")
        return
    _raise_stop(signum)


def _raise_stop(signum: int):
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise _Terminated(signum)


# A record is being written to standard output: a stop waits for its end, so that what a
# pipe received is whole records (-o's file is written whole or not at all, unless it is
# a descriptor or a named pipe, which are written in place).
_in_record = False


@contextlib.contextmanager
def _whole_record(on_stdout: bool):
    """Around the writing of one document's record: on standard output, Ctrl-C or a stop
    signal that comes meanwhile stops the run after it (a second stops it at once)."""
    global _in_record
    _in_record = on_stdout
    try:
        yield
    except BaseException:
        # the stop is what ended the run: Ctrl-C in a terminal stops the pipe's reader too,
        # and the record then fails on a closed pipe
        if on_stdout and _stopping is not None:
            _raise_stop(_stopping)
        raise
    finally:
        _in_record = False
    if on_stdout and _stopping is not None:
        _raise_stop(_stopping)


_STOP_WORDS: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated",
               **({signal.SIGHUP: "hung up"} if hasattr(signal, "SIGHUP") else {})}


def _stop_code(signum: int) -> int:
    return 130 if signum == signal.SIGINT else 128 + signum


def _check_output(output, inputs, folder: bool = False) -> None:
    """Refuse, before any work, an output that cannot be written (``folder``: a folder to
    be written whole, like a model) or that would replace one of the command's
    ``inputs``, and inputs that name standard input twice. An output inside an input
    folder is fine unless it is a kind of file the folder's documents are read from: the
    next run would read it back as a document."""
    from .inputs import in_message, listed, shell_word
    from .outputs import check_not_input, check_output, descriptor, left_behind, temporary_prefix

    # however it is spelt (//dev/stdin, /proc/self/fd/../fd/0, a link to it)
    if sum(item == "-" or descriptor(item) == 0 for item in inputs) > 1:
        raise UsageError("- (standard input) is given more than once; it can be read only once")
    check_not_input(output, inputs)
    check_output(output, folder)
    left = left_behind(output, folder)
    name = Path(output or "-").name
    prefix = temporary_prefix(Path(name))
    # a run killed between the two renames of a model folder's swap left the old model
    # only there: that one is put back, not removed
    swapped = [path for path in left if path.name.startswith(prefix + "old.")
               and (path / name).is_dir() and not os.path.lexists(output)]
    for path in swapped:
        _say(f"note: {in_message(path / name)} is the model that was at {in_message(output)}, which a run killed "
             f"while replacing it took out; mv {shell_word(path / name)} {shell_word(output)} "
             f"puts it back")
    left = [path for path in left if path not in swapped]
    if left:  # a kill -9 or the out-of-memory killer leaves its hidden temporary file
        # a long name is cut in the temporary one's: another output's may begin alike
        alike = " (or by one writing another output whose name begins alike)" if prefix != f".{name}." else ""
        _say(f"note: {listed([in_message(path) for path in left])} beside {in_message(output)}: left by a run that "
             f"was killed before it finished{alike}; remove {'it' if len(left) == 1 else 'them'} unless a run is "
             f"writing {in_message(output)} now")


def _model_folder(args) -> str:
    """The model a command reads, the shipped one when none is given: an output inside it
    would break it for every later run."""
    from .persistence import shipped_model_path

    return args.model or str(shipped_model_path())


def _check_names(args) -> None:
    """Refuse an empty file name before any work: pathlib reads it as the current folder,
    which tag would read whole (every document under it), --model would load as the model
    (which the output checks would not know is read) and -o would write over."""
    if getattr(args, "output", None) == "":
        wanted = "the model's folder name" if args.command == "train" else "a file name, or - for standard output"
        raise UsageError(f"the output name is empty: give {wanted}")
    if args.command == "train" and args.output == "-":  # a folder named "-" was made, where -o - means stdout
        raise UsageError("-o -: a model is a folder of files, which standard output cannot take; give the model's "
                         "folder name (-o my-model)")
    if getattr(args, "model", None) == "":
        raise UsageError("the model name is empty: give a model folder or file, or leave --model out for the "
                         "shipped model")
    for option, shown in (("inputs", "an input"), ("data", "a data file"), ("exclude", "an --exclude file"),
                          ("second_reading", "a --second-reading file")):
        if "" in (getattr(args, option, None) or ()):
            raise UsageError(f"{shown}'s name is empty: give a file or folder name (. for the current folder)")


def _unnamed(error: OSError) -> str:
    """An error without a file name: most often a relative name read against a current
    folder that was deleted since the shell entered it."""
    try:
        os.getcwd()
    except OSError:
        return "the current folder no longer exists: give absolute paths, or cd to a folder that exists"
    return str(error)


def _load(args):
    from .persistence import load_model

    with _warnings_said():  # a model made with another measures version
        return load_model(args.model, trusted=getattr(args, "trust", False))


@contextlib.contextmanager
def _warnings_said():
    """Python's warnings from the block said as the command's own warnings are, on a
    ``measures: warning:`` line, not as Python shows them (with a source file's path), as
    they come: one given before a fit of minutes is read while it can still be stopped, and
    one that explains the error ending the block (a model of another version) comes before it."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", UserWarning)
        warnings.showwarning = lambda message, *_: _say(f"warning: {message}")
        yield


_progress_open = False  # a progress line without its line end on stderr
_progress_width = 0  # the characters of the progress line last written


def _progress(count: int, chars: int, started: float, final: bool = False) -> None:
    global _progress_open, _progress_width
    elapsed = max(time.perf_counter() - started, 1e-9)
    line = f"tagged {count} documents, {chars / elapsed / 1000:.0f}k characters/s"
    # over the last line whole: a rate that drops a digit (100k to 99k) left its "s" behind
    width, _progress_width = _progress_width if _progress_open else 0, len(line)
    sys.stderr.write(f"\r{line:<{width}}")
    if final:
        sys.stderr.write("\n")
    sys.stderr.flush()
    _progress_open = not final


def _end_progress_line() -> None:
    """End the progress line, so that a message does not run on from it."""
    global _progress_open
    if _progress_open:
        sys.stderr.write("\n")
        _progress_open = False


class _Diagnostics:
    """Standard error during a run: when its reader goes away (``2>&1 | head``), the
    messages end and the run goes on, as the output is the run's work and the messages
    only about it."""

    def __init__(self, stream):
        self.stream, self.gone = stream, stream is None  # None: closed (cron, a daemon)

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self.gone = True

    def isatty(self) -> bool:
        return not self.gone and self.stream.isatty()

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _on_stdout(args) -> bool:
    """Whether the command's output goes to standard output (-o - or /dev/stdout too)."""
    from .outputs import is_standard_output

    return is_standard_output(getattr(args, "output", None))


def _result_on_stdout(args) -> bool:
    """Whether the command's result goes to standard output."""
    return args.command in ("evaluate", "check-data", "explain") or (
        args.command in ("tag", "suggest") and _on_stdout(args))


def _say(message: str) -> None:
    """A message on stderr, on a line of its own."""
    _end_progress_line()
    print(f"measures: {message}", file=sys.stderr)


# what -o's extension says the output is, when --format is not given
_FORMAT_OF = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_SUFFIX_OF = {"csv": "csv", "json": "json", "jsonl": "jsonl", "text": "txt"}
# extensions of formats tag does not write, which would get the text summary under their name
_NOT_WRITTEN = {".html": "measures report FILE -o report.html makes the HTML report",
                ".htm": "measures report FILE -o report.html makes the HTML report",
                ".xlsx": "-o NAME.csv --bom writes CSV that Excel opens",
                ".xls": "-o NAME.csv --bom writes CSV that Excel opens",
                ".ods": "-o NAME.csv writes CSV that spreadsheets open",
                ".tsv": "-o NAME.csv writes comma-separated values"}


def cmd_tag(args) -> int:
    from .export import Writer
    from .inputs import in_message
    from .outputs import open_output
    from .sources import COMPRESSED_SUFFIXES

    suffix = Path(args.output or "").suffix.lower()
    if args.format is None:
        if suffix in _NOT_WRITTEN:
            raise UsageError(f"{in_message(args.output)}: tag writes text, csv, json or jsonl, not {suffix[1:]} "
                             f"({_NOT_WRITTEN[suffix]}; --format text writes the summary under this name)")
        if suffix in COMPRESSED_SUFFIXES:
            raise UsageError(f"{in_message(args.output)}: tag does not compress its output; pipe it instead "
                             f"(measures tag ... --format jsonl | gzip > out.jsonl.gz), or give --format to "
                             f"write uncompressed output under this name")
        args.format = _FORMAT_OF.get(suffix, "text")
    else:
        if suffix in COMPRESSED_SUFFIXES:  # written uncompressed, as asked: the name inside must agree
            suffix = Path(Path(args.output).stem).suffix.lower()
        if _FORMAT_OF.get(suffix, args.format) != args.format:
            raise UsageError(f"{in_message(args.output)}: its name says {_FORMAT_OF[suffix]}, and --format says "
                             f"{args.format}; drop --format (the extension chooses) or name the file .{_SUFFIX_OF[args.format]}")
        if suffix in _NOT_WRITTEN and args.format != "text":  # the summary may go under any name, data may not
            raise UsageError(f"{in_message(args.output)}: --format {args.format} is not {suffix[1:]} "
                             f"({_NOT_WRITTEN[suffix]}); name the file .{_SUFFIX_OF[args.format]}")
    _fields_read(args)  # a field kept twice is refused before the model loads
    if args.keep_fields and args.format == "text":
        raise UsageError("--keep-fields is for json, jsonl and csv output; the text summary has no place for fields")
    if args.bom and args.format in ("json", "jsonl"):
        raise UsageError(f"--bom is for csv and text output (Excel); a JSON reader refuses {args.format} "
                           "that starts with one")
    _check_output(args.output, [*args.inputs, _model_folder(args)])
    model = _load(args)
    failed: list = []
    show_progress = sys.stderr.isatty() and not args.quiet
    started, chars = time.perf_counter(), 0
    empty = _Sentenceless()
    kept = _FieldsNeverFound(args.keep_fields)
    with open_output(args.output, bom=args.bom) as stream:
        writer = Writer(stream, args.format, examples=args.examples, classes=model.classes,
                        keep_fields=args.keep_fields)
        on_stdout = _on_stdout(args)
        try:
            for source, document in tagged_documents(args, model, failed, stream_large=True):
                with _whole_record(on_stdout):
                    written = writer.write(document, source.where, source.fields)
                if not written:
                    empty.add(source.where)
                kept.add(source.fields)
                chars += written
                if show_progress and writer.count % 20 == 0:
                    _progress(writer.count, chars, started)
        except (KeyboardInterrupt, _Terminated):
            if on_stdout and args.format == "json":  # what a pipe got stays one array of whole records
                with contextlib.suppress(OSError):
                    writer.close()
            raise
        writer.close()  # an empty JSON list on standard output, as CSV has its header
        if failed and not writer.count:
            # raised inside the output's block, so a file that -o names is left as it was:
            # a mistyped input must not wipe out an earlier run's output
            raise CommandError(_nothing_written("tagged", args.output))
    if show_progress and writer.count >= 20:
        _progress(writer.count, chars, started, final=True)
    _end_progress_line()
    empty.note()
    kept.note()
    if failed:
        print(f"measures: {len(failed)} input(s) could not be tagged; {writer.count} tagged", file=sys.stderr)
        return 1
    return 0


class _Sentenceless:
    """The documents that gave no sentence, noted in one line when a command is done. Only
    the first few are named: a corpus of failed scrapes has many."""

    def __init__(self):
        self.count = 0
        self.names: list[str] = []

    def add(self, where: str) -> None:
        self.count += 1
        self.names += [where] if len(self.names) < 3 else []

    def note(self) -> None:
        from .inputs import counted, in_message, listed

        if self.count:
            _say(f"note: {counted(self.count, 'document')} gave no sentence "
                 f"({listed([in_message(name) for name in self.names], total=self.count)}): cleaning keeps the "
                 "lines that hold Chinese text, and drops page chrome")


class _FieldsNeverFound:
    """The fields --keep-fields names that no JSONL record of the run has, noted when it is
    done: a mistyped name (dat for date) gave a column of nulls without a word."""

    def __init__(self, names):
        self.missing = list(names)
        self.records = 0

    def add(self, fields: dict | None) -> None:
        if fields is not None:  # a JSONL record's (a document file has no fields)
            self.records += 1
            self.missing = [name for name in self.missing if name not in fields]

    def note(self) -> None:
        from .inputs import counted

        if self.records and self.missing:
            one = len(self.missing) == 1
            _say(f"note: --keep-fields: none of the {counted(self.records, 'record')} has "
                 f"{'a field' if one else 'the fields'} {', '.join(map(repr, self.missing))}, so "
                 f"{'it is' if one else 'they are'} null throughout (names are matched as the JSONL spells them)")


@contextlib.contextmanager
def _printing():
    """Around a command's printed result: a full disk or quota is named as the standard
    output, as tag names its output, instead of a bare errno."""
    from .outputs import writes_to

    with writes_to(Path("<standard output>")):
        yield
        sys.stdout.flush()  # a short result fails here, not in print()


def _nothing_written(done: str, output: str | None) -> str:
    from .inputs import in_message
    from .outputs import written_in_place

    kept = "" if written_in_place(output) else f"; {in_message(output)} not written"
    return f"no input could be {done}{kept}"


def tagged_documents(args, model, failed: list, stream_large: bool = False):
    """``(source, document)`` for the documents of ``args.inputs`` tagged, in input order
    (with ``--jobs`` where the command has it). An input that cannot be read is reported
    by name on stderr, added to ``failed``, and the others go on."""
    from .corpus import tag_sources
    from .sources import iter_sources

    global _an_input_failed
    jobs = getattr(args, "jobs", 1)
    _warn_past_cpus(jobs, "starts")
    fields = _fields_read(args)
    for source, document in tag_sources(model, iter_sources(args.inputs, fields), jobs=jobs,
                                        model_path=args.model, trusted=args.trust,
                                        stream_large=stream_large):
        if source.error:
            _an_input_failed = True  # a reader leaving standard output does not make the run a success
            failed.append(source.name)
            if source.said:  # else counted, and said in one note after its file
                _say(source.error)
        elif source.note:
            _say(source.note)
        else:
            yield source, document


def _warn_past_cpus(jobs: int, starts: str) -> None:
    """Warn of more worker processes than the CPUs the process may use (``starts`` them,
    or ``starts up to``): each is forked at once and holds what it works on, so a typo
    (--jobs 64) can exhaust memory."""
    if jobs <= 1:  # one process (or train's -1, every CPU): nothing to count, nor joblib to import
        return
    from joblib import cpu_count  # the CPUs train's --jobs -1 counts (the process's own)

    from .inputs import counted

    cpus = cpu_count()
    if jobs > cpus:
        _say(f"warning: --jobs {jobs} {starts} {jobs} worker processes on {counted(cpus, 'CPU')}; "
             f"more than {cpus} are no faster and each takes memory")


def cmd_report(args) -> int:
    from .inputs import in_message
    from .report import write_report

    _check_output(args.output, [*args.inputs, _model_folder(args)])
    suffix = Path(args.output).suffix.lower()
    if suffix in _FORMAT_OF or suffix in _NOT_WRITTEN and suffix not in (".html", ".htm"):
        raise UsageError(f"{in_message(args.output)}: report writes an HTML page; name it .html "
                         f"(measures tag writes text, csv, json or jsonl)")
    failed: list = []
    empty = _Sentenceless()
    documents = []
    for source, document in tagged_documents(args, _load(args), failed):
        documents.append(document)
        if not document.sentences:
            empty.add(source.where)
    empty.note()
    if failed and not documents:
        # as tag and suggest: inputs that hold no document (an empty JSONL file) are no failure
        raise CommandError(_nothing_written("tagged", args.output))
    write_report(documents, args.output, title=args.title)
    if failed:
        print(f"measures: {len(failed)} input(s) could not be tagged; report of {len(documents)} "
              f"written to {in_message(args.output)}", file=sys.stderr)
        return 1
    return 0


def _training_paths(items):
    from .datasets import training_files

    items = items or ["bundled"]
    if items.count("bundled") > 1:  # each of its files would be named as given twice
        raise UsageError("bundled is given more than once: its rows would count twice")
    paths = []
    for item in items:
        if item == "bundled":
            paths.extend(str(p) for p in training_files())
        else:
            paths.append(item)
    return paths


def _labelled(paths, skip_bad_rows: bool, verb: str):
    """Labelled sentences for a command; bad rows are skipped (and listed) only when asked,
    and the error says how to go on without them."""
    from .labelled_data import DataError, files_refused, read_labelled

    try:
        data = read_labelled(paths, skip_bad_rows=skip_bad_rows)
    except DataError as error:
        if error.problems and all(p.line != 1 for p in error.problems):  # bad rows, not a bad file
            raise DataError(error.problems, f"{error}\n(--skip-bad-rows {verb} the other rows)") from None
        if skip_bad_rows and error.problems:  # whole files refused: say so in the option's own name
            raise files_refused(error.problems, "--skip-bad-rows") from None
        raise
    for problem in data.problems:
        print(f"measures: skipped {problem}", file=sys.stderr)
    return data


def _warn_not_one_sentence(data) -> None:
    """Say when rows are not one sentence as measures splits text: training and scoring
    read each as one, where a document's text like it is read as several."""
    from .labelled_data import not_one_sentence

    rows = not_one_sentence(data)
    if rows:
        print(f"measures: warning: {len(rows)} row{'s are' if len(rows) > 1 else ' is'} not one sentence as "
              f"measures splits text (the first: {rows[0].where}); `measures check-data` lists them", file=sys.stderr)


def _flatters(shared: int, scored: int) -> bool:
    """Whether ``shared`` sentences trained on, of ``scored``, are enough to flatter the
    figures: 10 and a fifth, or half (of a small file). A few stock lines that any two sets
    of documents share (版权所有, 同志们：) are neither, among the dozens a test set holds."""
    return (shared >= 10 and shared * 5 >= scored) or shared * 2 >= scored


def _warn_trained_on(model, data):
    """Say, in one line, when sentences scored are some the model was trained on: a model
    scored on its own training sentences looks far better than it does on new text. Known
    by content where the model says enough (its files' sha256; the hashes of its training
    sentences, under any file's name, when it keeps them; for a model trained on the whole
    bundled corpus that keeps none, the corpus's sentences), counted when :func:`_flatters`
    holds, and by file name for a file whose bytes are none of its files' (saved again by a
    spreadsheet, or one label corrected) or a model saved before measures recorded its
    files' sha256, when the model keeps no hashes to tell. Returns which sentences it was
    trained on when it said so and can tell them, else None."""
    import numpy as np

    from .datasets import bundled_texts, training_files
    from .evaluation import trained_on
    from .inputs import in_message, is_whole

    recorded = model.metadata.get("training_data")
    recorded = recorded if isinstance(recorded, dict) else {}
    hashes, files = recorded.get("file_sha256"), recorded.get("files")
    bundled = recorded.get("bundled_rows")
    ours = bundled_texts() if is_whole(bundled, 1) else set()
    whole_corpus = bool(ours) and is_whole(bundled, len(ours))
    # the bundled files are known by their sentences, not by names such as other.tsv
    our_files = {path.name for path in training_files()} if whole_corpus else set()
    trained = [Path(name).parts for name in files if isinstance(name, str) and name and name not in our_files] \
        if isinstance(files, list) else []
    seen = trained_on(model, data.texts)
    if seen is not None:
        # the hashes tell which sentences it learnt from: a name is but a guess, and each
        # round's to_label.tsv of new sentences shares the name of the one trained on
        trained = []
    found = []
    for path, digest in data.file_sha256.items():
        parts = Path(path).resolve().parts
        named = next((tail for tail in trained if parts[-len(tail):] == tail), None)
        if isinstance(hashes, list) and digest in hashes:
            found.append(f"{in_message(path)} (the same bytes)")
        elif named:
            found.append(f"{in_message(path)} (by its name, {in_message('/'.join(named))}; if it is that file)")
    corpus = seen is None and whole_corpus
    if corpus:
        seen = np.array([text in ours for text in data.texts], dtype=bool)
    shared = 0 if seen is None else int(seen.sum())
    if not found and _flatters(shared, len(data)):
        ours_alone = corpus or (whole_corpus and recorded.get("rows") == bundled)
        found.append(f"{shared} of the {len(data)} sentences scored{' (of the bundled corpus)' if ours_alone else ''}")
    if len(found) > 3:
        found[3:] = [f"{len(found) - 3} more of the files scored"]
    if not found:
        return None
    print(f"measures: note: the model was trained on {'; '.join(found)}: these figures say how it fits its "
          f"training sentences, not how it does on new text (keep some labelled rows out of training to "
          f"score on)", file=sys.stderr)
    return seen


def cmd_train(args) -> int:
    from .inputs import in_message
    from .persistence import check_save_path, shipped_model_path
    from .training import train

    paths = _training_paths(args.data)
    _check_output(args.output, paths, folder=True)
    check_save_path(args.output)
    if Path(args.output).resolve() == shipped_model_path().resolve():  # said before the work, to be stopped
        _say(f"note: {in_message(args.output)} is the shipped model's folder: the model trained now replaces it for "
             f"every command and load_model() that names no model")
    data = _labelled(paths, args.skip_bad_rows, "trains on")
    _warn_not_one_sentence(data)
    params = {}
    if args.C is not None:
        params["C"] = args.C
    if args.segmenter:
        params["segmenter"] = args.segmenter
    params["n_jobs"] = args.jobs
    _warn_past_cpus(args.jobs, "starts up to")  # one a label and fold, each with its copy of the terms
    if sys.stderr.isatty():  # a run of a minute or more, silent until its last line otherwise
        _say(f"training on {len(data)} sentences: cross-validating, then fitting ...")
    started = time.perf_counter()
    with _warnings_said():
        model = train(data, name=args.name, folds_by_file=args.folds_by_file, **params)
    cv = model.metadata.get("evaluation", {}).get("cross_validation")
    if cv:  # the card names the command that gives its figures again
        cv["command"] = args.command_line
    model.save(args.output, training_keys=args.training_keys)
    figures = (f"; cross-validated macro-F1 {cv['macro_f1']:.3f}, primary accuracy "
               f"{cv['primary_accuracy']:.3f}" if cv else "")
    print(f"trained on {len(data)} sentences in {time.perf_counter() - started:.1f} s{figures}; "
          f"saved to {in_message(args.output)}")
    return 0


def cmd_evaluate(args) -> int:
    from .evaluation import format_scores, scores
    from .inputs import counted, in_message
    from .summary import one_line

    data = _labelled(args.data, args.skip_bad_rows, "scores")
    if not len(data):  # scores of nothing would print as a model that gets everything wrong
        raise CommandError(f"{', '.join(map(in_message, args.data))}: no labelled sentences to score")
    _warn_not_one_sentence(data)
    model = _load(args)
    seen = _warn_trained_on(model, data)
    predicted = model.predict(data.texts)
    result = scores(data.y, predicted, model.classes)
    if seen is not None:  # the figures that say how it does on new text, beside those flattered
        new = [i for i, trained in enumerate(seen) if not trained]
        result["not_trained_on"] = scores([data.y[i] for i in new], [predicted[i] for i in new],
                                          model.classes) if new else None
    with _printing():
        if args.format == "json":
            print(json.dumps(result, ensure_ascii=False, indent=2))
            return 0
        # a title, as a summary's: a line break in a file's name would start a line of the table
        title = one_line(f"{', '.join(args.data)} ({counted(len(data), 'sentence')})")
        print(format_scores(result, title=title))
        unseen = result.get("not_trained_on")
        if unseen:
            print("\n" + format_scores(unseen, title=f"of which not trained on ({counted(unseen['sentences'], 'sentence')})"))
        elif seen is not None:
            print("\nthe model was trained on every sentence scored: none is new to it")
    return 0


def cmd_check_data(args) -> int:
    from .labelled_data import check_data, format_check

    report = check_data(_training_paths(args.data), args.second_reading)
    with _printing():
        print(json.dumps(report, ensure_ascii=False, indent=2) if args.format == "json" else format_check(report))
    return 1 if report["problems"] else 0


def cmd_explain(args) -> int:
    from .cleaning import emptied, normalize_sentence
    from .inputs import in_message, names_a_file, shell_word

    for sentence in args.sentences:
        if not sentence.strip():
            raise UsageError("an empty sentence: nothing to explain")
        if not normalize_sentence(sentence).strip():
            raise UsageError(f"{emptied(sentence)}: nothing to explain")
        if names_a_file(sentence):
            raise UsageError(f"{in_message(sentence)}: a file; explain labels the sentences given as arguments "
                               f"(for a document: measures tag {shell_word(sentence)})")
    model = _load(args)
    with _printing(), _warnings_said():  # a sentence that is several, explained as one
        _explain(model, args)
    return 0


def _explain(model, args) -> None:
    if args.format == "json":  # one array, as tag prints, that a JSON reader takes whole
        print(json.dumps([model.explain(sentence, top=args.top) for sentence in args.sentences], ensure_ascii=False))
        return
    for sentence in args.sentences:
        result = model.explain(sentence, top=args.top)
        print(sentence)
        if result["read_as"] != sentence:  # the terms are the normalised text's
            print(f"  read as: {result['read_as']}")
        print(f"  labels: {'|'.join(result['labels'])}")
        ranked = sorted(result["scores"].items(), key=lambda kv: -kv[1])[:4]
        print("  scores: " + ", ".join(f"{label} {score:.2f}" for label, score in ranked))
        for label, terms in result["terms"].items():
            because = ", ".join(f"{t} (+{w:.2f})" for t, w in terms) or "no term of the sentence; the label's bias"
            print(f"  {label} because of: {because}")


def cmd_suggest(args) -> int:
    from .inputs import counted, in_message, shell_word
    from .labelled_data import read_texts
    from .suggesting import refuse_labelled_output, suggest, write_suggestions

    tables = [name for name in args.inputs if Path(name).suffix.lower() == ".tsv"]
    if args.exclude and tables:  # the form before --exclude took one file: --exclude a.tsv b.tsv docs/
        raise UsageError(f"{in_message(tables[0])}: a labelled file among the inputs; give each file to leave out its "
                         f"own --exclude (--exclude {shell_word(args.exclude[-1])} --exclude {shell_word(tables[0])})")
    _check_output(args.output, [*args.inputs, *(args.exclude or ()), _model_folder(args)])
    refuse_labelled_output(args.output, args.overwrite, "--overwrite")  # before any work
    model = _load(args)
    exclude = read_texts(args.exclude) if args.exclude else ()
    failed: list = []
    empty = _Sentenceless()
    read = False

    def documents():
        nonlocal read
        for source, document in tagged_documents(args, model, failed):
            read = True
            if not document.sentences:
                empty.add(source.where)
            yield document

    picks = suggest(model, documents(), n=args.n, per_document=args.per_document or None,
                    similarity=args.similarity, min_chars=args.min_chars, exclude=exclude)
    empty.note()
    if failed and not read:
        raise CommandError(_nothing_written("read", args.output))
    write_suggestions(picks, args.output, overwrite=args.overwrite)
    if read and len(picks) < args.n:  # else a round of 176 where 200 were asked for looks like a fault
        limits = [f"at most {args.per_document} a document (--per-document)" if args.per_document else "",
                  f"none alike another at {args.similarity:g} (--similarity)",
                  f"none under {args.min_chars} characters (--min-chars)" if args.min_chars else "",
                  "none of --exclude's" if args.exclude else ""]
        _say(f"note: {len(picks)} of the {args.n} sentences asked for; what limits them: "
             f"{', '.join(limit for limit in limits if limit)}")
    if not _on_stdout(args):
        print(f"wrote {counted(len(picks), 'sentence')} to label to {in_message(args.output)}", file=sys.stderr)
    if failed:
        print(f"measures: {len(failed)} input(s) could not be read", file=sys.stderr)
        return 1
    return 0


def _parsed(convert, text: str):
    # argparse would name the type function ("invalid _fraction value") on a ValueError
    try:
        return convert(text)
    except ValueError:
        kind = "a whole number" if convert is int else "a number"
        raise argparse.ArgumentTypeError(f"must be {kind}, not {text!r}") from None


def _count(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""
    def count(text: str) -> int:
        value = _parsed(int, text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value
    return count


def _fraction(text: str) -> float:
    """An argparse type: a number above 0 and at most 1."""
    value = _parsed(float, text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1, not {text}")
    return value


def _above_zero(text: str) -> float:
    """An argparse type: a finite number above 0."""
    value = _parsed(float, text)
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, not {text}")
    return value


def _title(text: str) -> str:
    """An argparse type: a report's title, not blank (the default is had by leaving it out)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give a title, or leave --title out for the default")
    return text


def _model_name(text: str) -> str:
    """An argparse type: a model's name, which titles its card and its repr."""
    from .cleaning import text_name
    from .inputs import model_name

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: give the model a name (default: custom)")
    try:
        return model_name(text_name(text))  # bytes that are not UTF-8 as GB18030, as a file name's
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("name ")) from None


def _fields_read(args):
    """What of a JSONL record ``args`` reads (``--text-field``, ``--keep-fields``)."""
    from .sources import RecordFields

    try:
        return RecordFields(args.text_field, getattr(args, "keep_fields", ()))
    except ValueError as error:
        raise UsageError(f"--keep-fields: {error}") from None


def _field_name(text: str) -> str:
    """An argparse type: the name of a JSONL field."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty: name the field that holds the text")
    return text.strip()  # as --keep-fields takes its names


def _field_names(text: str) -> tuple[str, ...]:
    """An argparse type: JSONL fields to keep, named with commas between (date,url)."""
    names = tuple(name.strip() for name in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"names fields with commas between (date,url), not {text!r}")
    return names


def _cores(text: str) -> int:
    """An argparse type: processes in joblib's convention (-1 all cores), never 0."""
    value = _parsed(int, text)
    if value == 0:
        raise argparse.ArgumentTypeError("must not be 0 (-1 uses all cores)")
    return value


def _parser() -> argparse.ArgumentParser:
    from .export import FORMATS

    parser = argparse.ArgumentParser(
        prog="measures", description="Which epidemic-control policy measures a Chinese document contains.",
        epilog="Run 'measures COMMAND --help' for the options and examples of each command.")
    parser.add_argument("--version", action="version", version=f"measures {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text, epilog=EXAMPLES.get(name),
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(func=func)
        return sub

    def text_field_option(sub):
        sub.add_argument("--text-field", type=_field_name, default="text", metavar="NAME",
                         help="the field of JSONL records that holds the text (default: text)")

    def model_options(sub):
        sub.add_argument("--model", metavar="PATH", help="model folder, .skops or .joblib file (default: the shipped model)")
        sub.add_argument("--trust", action="store_true", help="allow loading a pickle-based (.joblib/.pkl) model file")

    tag = command("tag", cmd_tag, "tag documents sentence by sentence and summarise them")
    tag.add_argument("inputs", nargs="+", metavar="FILE", help="document files, folders, .jsonl corpora, or - for stdin")
    tag.add_argument("--format", choices=FORMATS,
                     help="output format (default: from -o's extension, .csv .json .jsonl, else text)")
    tag.add_argument("-o", "--output", metavar="PATH", help="write here (atomically) instead of stdout")
    def jobs_option(sub):
        sub.add_argument("--jobs", type=_count(1), default=1, metavar="N",
                         help="worker processes tagging the documents (default 1)")

    jobs_option(tag)
    tag.add_argument("--examples", type=_count(0), default=3, metavar="N", help="example sentences per category in summaries (default 3; the text summary prints the first)")
    tag.add_argument("--bom", action="store_true", help="start the output with a UTF-8 BOM (for Excel)")
    tag.add_argument("--keep-fields", type=_field_names, default=(), metavar="NAMES",
                     help="JSONL records' fields to carry into json, jsonl and csv output, with commas between "
                          "(date,url); null or empty for a record without one")
    tag.add_argument("-q", "--quiet", action="store_true", help="no progress line on a terminal")
    text_field_option(tag)
    model_options(tag)

    report = command("report", cmd_report, "write an HTML report: sentences highlighted by category, charts")
    report.add_argument("inputs", nargs="+", metavar="FILE", help="document files, folders, .jsonl corpora, or - for stdin")
    report.add_argument("-o", "--output", required=True, metavar="PATH", help="the HTML file to write (atomically)")
    report.add_argument("--title", type=_title,
                        help="the report's title (default: 防控措施报告 · Policy measures report)")
    jobs_option(report)
    text_field_option(report)
    model_options(report)

    train = command("train", cmd_train, "train a model from labelled sentences (TSV: text<TAB>labels)")
    train.add_argument("data", nargs="*", metavar="DATA.tsv", help="labelled files; 'bundled' or nothing means the bundled corpus")
    train.add_argument("-o", "--output", required=True, metavar="PATH", help="model folder to write")
    train.add_argument("--name", default="custom", type=_model_name, help="model name recorded in its metadata")
    train.add_argument("--C", type=_above_zero, help="inverse regularisation strength (default: the estimator's)")
    train.add_argument("--segmenter", choices=["auto", "rjieba", "jieba"],
                       help="jieba's Rust port (rjieba, faster) or jieba itself; the same words either way "
                            "(default: auto, rjieba when installed)")
    train.add_argument("--skip-bad-rows", action="store_true", help="train on the good rows and list the bad ones")
    train.add_argument("--no-training-keys", dest="training_keys", action="store_false",
                       help="leave out of the model the hashes of its training sentences, by which anyone holding it "
                            "can test whether a sentence was trained on (evaluate then knows its training files "
                            "only by checksum and name)")
    train.add_argument("--folds-by-file", action="store_true",
                       help="cross-validate (calibration, thresholds, the figures) with folds that hold out whole "
                            "files, as rows of one file, like those of one document, are alike; needs 3 files or more "
                            "(files that share a sentence count as one)")
    train.add_argument("--jobs", type=_cores, default=-1, metavar="N",
                       help="processes fitting the model and its cross-validation folds (default -1: all cores); "
                            "the model does not depend on it")

    evaluate = command("evaluate", cmd_evaluate, "score a model on labelled sentences (each read alone, "
                                                 "without the document context tag gives)")
    evaluate.add_argument("data", nargs="+", metavar="DATA.tsv", help="labelled files to score the model on")
    evaluate.add_argument("--format", choices=["text", "json"], default="text",
                          help="json: the figures and, per label, precision, recall, F1, support and predicted")
    evaluate.add_argument("--skip-bad-rows", action="store_true", help="score the good rows and list the bad ones")
    model_options(evaluate)

    check = command("check-data", cmd_check_data, "report label counts, duplicates and rows that break the guide "
                                                   "(exit status 1 when it lists a problem)")
    check.add_argument("data", nargs="*", metavar="DATA.tsv",
                       help="labelled files; 'bundled' or nothing means the bundled corpus")
    check.add_argument("--second-reading", action="append", metavar="OTHER.tsv",
                       help="another annotator's labels for some of the same sentences (matched by their "
                            "text, cleaned as the model reads it), made without seeing these: how the two readings agree, and where "
                            "they differ (repeat for several files)")
    check.add_argument("--format", choices=["text", "json"], default="text",
                       help="json: the counts, rates and problem rows as one object (default: text)")

    explain = command("explain", cmd_explain, "show the labels, scores and terms behind a sentence's prediction")
    explain.add_argument("sentences", nargs="+", metavar="SENTENCE")
    explain.add_argument("--top", type=_count(1), default=5, metavar="N", help="terms per label (default 5)")
    explain.add_argument("--format", choices=["text", "json"], default="text",
                         help="json: one array, an object (text, read_as, labels, scores, terms) per sentence")
    model_options(explain)

    suggest = command("suggest", cmd_suggest, "pick the sentences the model is least sure of, "
                      "as TSV to correct and train on")
    suggest.add_argument("inputs", nargs="+", metavar="FILE", help="document files, folders, .jsonl corpora, or - for stdin")
    suggest.add_argument("-n", type=_count(1), default=200, metavar="N", help="how many sentences (default 200)")
    suggest.add_argument("-o", "--output", metavar="PATH", help="TSV to write (atomically) instead of stdout")
    suggest.add_argument("--overwrite", action="store_true",
                         help="write over an -o file that holds labelled sentences (refused without it: they may be "
                              "ones you corrected)")
    suggest.add_argument("--per-document", type=_count(0), default=5, metavar="N",
                         help="at most N sentences from one document (default 5; 0: no limit)")
    suggest.add_argument("--similarity", type=_fraction, default=0.5, metavar="J",
                         help="of two sentences whose character-4-gram Jaccard similarity is >= J, keep the more uncertain "
                              "(default 0.5)")
    suggest.add_argument("--min-chars", type=_count(0), default=6, metavar="N", help="skip sentences shorter than N characters (default 6)")
    # one file an option (repeatable): taking every name after it took the inputs too
    suggest.add_argument("--exclude", action="append", metavar="DATA.tsv",
                         help="a labelled file whose sentences are not suggested again (repeatable)")
    jobs_option(suggest)
    text_field_option(suggest)
    model_options(suggest)
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from .cleaning import text_name

    # each argument as text (a file name that is not UTF-8, as cleaning.text_name reads it):
    # the model card records the command, and config.json is UTF-8
    args.command_line = shlex.join(["measures", *map(text_name, sys.argv[1:] if argv is None else argv)])
    from concurrent.futures.process import BrokenProcessPool

    from .outputs import OutputError
    from .forking import STOP_SIGNALS
    from .labelled_data import DataError
    from .persistence import ModelFileError
    from .reading import DocumentError

    # Output is UTF-8 wherever it goes (the README's CSV, JSONL that measures reads back),
    # not the locale's encoding: GBK on Chinese Windows failed on the first emoji.
    # A terminal keeps its own encoding, showing what it cannot (an emoji in GBK) as "?".
    stdout, stderr = sys.stdout, sys.stderr
    if stdout is None:  # its descriptor closed (cron, a daemon)
        if _result_on_stdout(args):
            print(f"measures: standard output is closed, and {args.command} writes its result there"
                  + ("; give -o FILE" if args.command in ("tag", "suggest") else ""), file=stderr)
            return 1
        # what the command says beside the file it writes goes nowhere
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    if hasattr(stdout, "reconfigure") and (stdout.encoding or "").lower().replace("-", "") != "utf8":
        if stdout.isatty():
            stdout.reconfigure(errors="replace")
        else:
            stdout.reconfigure(encoding="utf-8")
    # a signal ignored when the run starts stays ignored: `nohup` ignores SIGHUP so that
    # the run outlives the terminal
    global _stopping, _progress_open, _run_pid, _an_input_failed
    _stopping, _progress_open, _run_pid, _an_input_failed = None, False, os.getpid(), False
    sys.stderr = _Diagnostics(stderr)
    previous = {signum: signal.signal(signum, _stopped) for signum in (signal.SIGINT, *STOP_SIGNALS)
                if signal.getsignal(signum) is not signal.SIG_IGN}
    try:
        _check_names(args)
        return args.func(args)
    except (DataError, ModelFileError, DocumentError, OutputError, CommandError) as error:
        _say(str(error))
        return 1
    except UsageError as error:
        _say(str(error))
        return 2
    except BrokenPipeError:  # standard output's reader took what it wanted (| head)
        return 1 if _an_input_failed else 0
    except BrokenProcessPool:
        _say(f"a worker process ended unexpectedly (killed, or out of memory?); {_left(args)}; try fewer --jobs")
        return 1
    except MemoryError:
        # a JSONL record is held whole, where a document file is read in pieces
        _say(f"out of memory, on a document too large to hold at once or too many at once; {_left(args)}")
        return 1
    except OSError as error:  # a file the checks above did not foresee
        from .inputs import in_message

        _say(f"{in_message(error.filename)}: {error.strerror}" if error.filename else _unnamed(error))
        return 1
    except KeyboardInterrupt:
        _say(_STOP_WORDS[signal.SIGINT])
        return _stop_code(signal.SIGINT)
    except _Terminated as stop:
        _say(_STOP_WORDS[stop.signum])
        return _stop_code(stop.signum)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if sys.stdout is not stdout:
            sys.stdout.close()
        sys.stdout, sys.stderr = stdout, stderr


def _left(args) -> str:
    """What a run that stopped part way left of its output."""
    from .inputs import in_message
    from .outputs import written_in_place

    output = getattr(args, "output", None)
    return (f"what {'standard output' if output in (None, '-') else in_message(output)} received before it is not "
            f"the whole result" if written_in_place(output) else f"nothing was written to {in_message(output)}")


def _leave(signum, frame):
    os._exit(_stop_code(signum))


def run() -> None:
    """The ``measures`` command: :func:`main`, then exit. The run has cleaned up and
    stopped its workers by now, however it ended; it leaves without the interpreter's
    exit-time joins of worker-pool threads, which can wait for ever on a worker that was
    stopped in the middle of sending a result (after Ctrl-C, or when the output failed:
    a full disk, a closed pipe)."""
    # A Ctrl-C or stop signal that comes once main has put its own handlers back (the
    # second of two, sent while the first was cleaned up) ends the run with that signal's
    # code: Python's own handler made it a KeyboardInterrupt out of here, and the process
    # died of the signal instead of exiting 130.
    from .forking import STOP_SIGNALS

    for signum in (signal.SIGINT, *STOP_SIGNALS):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _leave)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: the descriptor was closed (cron, a daemon)
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to tell it
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
