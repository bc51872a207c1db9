use super::*;

fn fold(s: &str) -> String {
    Normalized::fold(s).text
}

#[test]
fn probe() {
    for s in [
        "æøłđıþðŋ",
        "€£¥",
        "❶➀➊",
        "🅰🅱",
        "ℍ𝐞𝐥𝐥𝐨",
        "ＡＢＣ１２３＠",
        "ᏔᎻᎪᎢᏚ",
        "ԝһаtѕарр",
        "ωρα",
        "我的电话",
        "😀🇺🇸",
        "½",
        "™",
        "١٢٣",
        "4️⃣1️⃣5️⃣",
    ] {
        println!("{s:?} -> {:?}", fold(s));
    }
}

#[test]
fn spans_map_back() {
    let s = "Ｗhatsapp ٤١٥";
    let n = Normalized::fold(s);
    assert_eq!(n.text, "whatsapp 415");
    let (a, b) = n.original_span(9, 12, s);
    assert_eq!(&s[a..b], "٤١٥");
}
