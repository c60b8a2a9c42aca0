"""Import -> tag -> summary -> retrain, with the shipped model and the bundled corpus.

    python examples/quickstart.py
"""
from pathlib import Path

import measures

HERE = Path(__file__).parent

# 1. Tag a speech with the shipped model and print its per-category summary.
model = measures.load_model()
speech = (HERE / "speech_deployment_meeting.txt").read_text(encoding="utf-8")
document = model.tag(speech, source="speech_deployment_meeting.txt")
print(document.summary())

# 2. Sentence level: labels (primary first), probabilities, and where each sentence is.
for sentence in document.sentences[:5]:
    print(f"{sentence.start:>5}-{sentence.end:<5} {'|'.join(sentence.labels):<32} {sentence.text[:30]}")
print(model.predict(["全区开展新一轮全员核酸检测。", "对密接人员一律集中隔离。"]))
print(model.explain("各地要压紧压实四方责任，严肃追责问责。")["terms"])

# 3. Several documents side by side.
summaries = [model.tag(p.read_text(encoding="utf-8"), source=p.name).summary()
             for p in sorted(HERE.glob("*.txt"))]
print(measures.compare(summaries))

# 4. Retrain: the bundled corpus plus your own labelled sentences, as (text, "primary|second")
#    pairs labelled by the guide (files in its TSV format work too: measures.train(paths)).
corpus = measures.load_training_data()
mine = [("村里的大喇叭每天播放三遍防疫须知。", "publicity"),
        ("返乡人员须提前三天向村委会报备行程。", "border_import|tracing")]
retrained = measures.train(list(zip(corpus.texts, corpus.y)) + mine, name="with-my-sentences")
print(retrained, retrained.metadata["evaluation"]["cross_validation"]["macro_f1"])
