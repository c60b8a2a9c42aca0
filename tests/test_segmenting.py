import os
import time

import jieba
import pytest

from measures.segmenting import Segmenter, cut, dictionary_entries, domain_words

from conftest import needs_shared, seed_files


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
def test_domain_words_stay_whole(backend):
    words = Segmenter(backend).cut("全市推进即查即转、应隔尽隔，封控区实行足不出户，方舱医院休舱")
    for term in ("即查即转", "应隔尽隔", "封控区", "足不出户", "方舱医院"):
        assert term in words


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
@pytest.mark.parametrize("text, whole", [
    # terms of late 2022 and of Wuhan that jieba's own dictionary cuts apart
    ("各地落实新十条，不再实行静态管理，转入常态化防控", ("新十条", "静态管理", "常态化")),
    ("新冠感染由乙类甲管调整为乙类乙管", ("乙类甲管", "乙类乙管")),
    ("火神山医院和雷神山医院相继交付使用", ("火神山医院", "雷神山医院")),
    # a zone's name keeps its 区 when 区域 follows (not 封控区 / 域)
    ("封控区域内实行足不出户，高风险区域和中风险区域每日筛查", ("封控区域", "高风险区域", "中风险区域")),
    ("管控区域、低风险区域和防范区域分类管理", ("管控区域", "低风险区域", "防范区域")),
])
def test_policy_terms_stay_whole(backend, text, whole):
    words = Segmenter(backend).cut(text)
    for term in whole:
        assert term in words, words


def test_the_users_global_jieba_is_left_alone():
    before = jieba.lcut("应隔尽隔")
    Segmenter("jieba").cut("应隔尽隔")
    cut("应隔尽隔", backend="jieba")
    assert jieba.lcut("应隔尽隔") == before
    assert "应隔尽隔" not in before


def test_the_users_deleted_words_leave_measures_words_alone():
    # jieba keeps the words its HMM must split in one global set, which a user's
    # jieba.del_word fills: it changed the words of measures' own tokenizer too
    import jieba.finalseg

    text = "小区居民阳康后返岗，实行闭环管理"
    segmenter = Segmenter("jieba")
    before = segmenter.cut(text)
    assert "阳康后" in before  # a word of jieba's HMM, not of its dictionary
    saved = set(jieba.finalseg.Force_Split_Words)
    try:
        jieba.del_word("阳康后")
        assert segmenter.cut(text) == Segmenter("jieba").cut(text) == before
        assert "阳康后" not in jieba.lcut(text)  # the user's own jieba does as they asked
    finally:
        jieba.finalseg.Force_Split_Words.clear()
        jieba.finalseg.Force_Split_Words.update(saved)
        jieba.dt.FREQ.pop("阳康后", None)  # del_word's entry of 0 in the global dictionary


def test_domain_dictionary_is_well_formed():
    words = domain_words()
    assert len(words) > 100
    assert all(freq > 0 and word.strip() == word for word, freq in words)


@pytest.mark.parametrize("text, expected", [
    ("# 注释\n核酸检测 3000\n\n  方舱医院 3000 n\n", (("核酸检测", 3000), ("方舱医院", 3000))),
    ("核酸检测 3000\n方舱\n", "words.txt:2: expected a word and its frequency (a whole number), got '方舱'"),
    ("# 注释\n方舱 多\n", "words.txt:2: expected a word and its frequency (a whole number), got '方舱 多'"),
])
def test_a_dictionary_line_that_is_not_a_word_and_frequency_is_named(text, expected):
    if isinstance(expected, str):
        with pytest.raises(ValueError) as caught:
            dictionary_entries(text, "words.txt")
        assert str(caught.value) == expected
    else:
        assert dictionary_entries(text, "words.txt") == expected


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown segmenter backend"):
        Segmenter("thulac")


@needs_shared
def test_backends_agree_on_the_chinese_of_the_seeds():
    from measures.cleaning import clean
    from measures.features import Analyzer

    slow, fast = Analyzer(segmenter="jieba"), Analyzer(segmenter="rjieba")
    for path in seed_files():
        for line in clean(path.read_text("utf-8")).splitlines():
            assert slow.words(line) == fast.words(line)


def test_threads_that_use_a_new_model_at_once_load_its_dictionary_and_index_once(monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import measures
    from measures import segmenting, vectorizing

    loads, builds = [], []
    loaded, built = segmenting.Segmenter._loaded, vectorizing.TermIndex.__init__
    start = threading.Barrier(8)

    def counted_load(self):
        loads.append(1)
        return loaded(self)

    def counted_build(self, *args):
        builds.append(1)
        built(self, *args)

    monkeypatch.setattr(segmenting.Segmenter, "_loaded", counted_load)
    monkeypatch.setattr(vectorizing.TermIndex, "__init__", counted_build)
    model = measures.load_model(segmenter="jieba")

    def predict(sentence):
        start.wait()  # all eight at once, on a model none has used
        return model.predict([sentence])

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(predict, ["全市开展全员核酸检测。"] * 8)) == [["testing"]] * 8
    assert len(loads) == 1 and len(builds) == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_child_forked_while_a_load_is_under_way_loads_anew():
    # forked while another thread held the lock, the child waited on it for ever
    from measures import model, segmenting

    for lock in (segmenting._LOADING, model._BUILDING):
        with lock:
            child = os.fork()
            if child == 0:  # the child: the lock is its own, and free
                with lock:
                    os._exit(0)
            for _ in range(300):
                done, status = os.waitpid(child, os.WNOHANG)
                if done:
                    break
                time.sleep(0.1)
            else:
                os.kill(child, 9)
                os.waitpid(child, 0)
                pytest.fail("the child waits on a lock its parent held when it was forked")
        assert os.waitstatus_to_exitcode(status) == 0
