use crate::Finding;

/// Replaces each redactable finding's span with its category's label. Overlapping spans are merged and take the
/// label of the finding that starts first.
pub(crate) fn redact(text: &str, findings: &[Finding]) -> String {
    let mut spans: Vec<(usize, usize, &'static str)> = findings
        .iter()
        .filter_map(|f| f.category.redaction_label().map(|l| (f.start, f.end, l)))
        .filter(|(s, e, _)| {
            s < e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e)
        })
        .collect();
    spans.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut i = 0;
    while i < spans.len() {
        let (start, mut end, label) = spans[i];
        i += 1;
        while i < spans.len() && spans[i].0 < end {
            end = end.max(spans[i].1);
            i += 1;
        }
        if start >= pos {
            out.push_str(text.get(pos..start).unwrap_or(""));
            out.push_str(label);
            pos = end;
        }
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}
