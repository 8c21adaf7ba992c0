//! Stacked bars drawn as inline SVG on the server (the front page's cards, the story page's
//! bias, ownership and rating distributions): the segments' positions, CSS classes (`.seg-*` in
//! `base.html`) and the numbers written out beside them as text.

/// One segment of a bar, on a 0–100 scale.
pub(crate) struct Segment {
    pub(crate) x: String,
    pub(crate) width: String,
    /// `seg seg-left`, `seg seg-r2`, `seg seg-unrated`.
    pub(crate) class: String,
    pub(crate) label: String,
    pub(crate) count: usize,
    /// "33%".
    pub(crate) percent: String,
}

/// The CSS class of a segment: bias labels by name, anything else by position; unrated and
/// unknown grey.
pub(crate) fn segment_class(kind: &str, label: &str, index: usize) -> String {
    let slug: String = label
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphabetic() { c } else { '-' })
        .collect();
    if slug == "unrated" || slug == "unknown" {
        "seg seg-unrated".to_string()
    } else if kind == "bias" {
        match slug.as_str() {
            "left" | "lean-left" | "center" | "mixed" | "lean-right" | "right" => {
                format!("seg seg-{slug}")
            }
            _ => "seg seg-other".to_string(),
        }
    } else {
        format!("seg seg-r{}", index % 6)
    }
}

pub(crate) use parallax_views::bias_rank;

/// The segments of a bar of `kind` ("bias", "regions", "ownership", ...) from its parts
/// `(label, count, share of the whole)`, in the order given; empty parts are left out.
pub(crate) fn segments(
    kind: &str,
    parts: impl IntoIterator<Item = (String, usize, f64)>,
) -> Vec<Segment> {
    let mut x = 0.0;
    parts
        .into_iter()
        .filter(|(_, count, _)| *count > 0)
        .enumerate()
        .map(|(i, (label, count, share))| {
            let share = if share.is_finite() {
                share.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let width = (share * 100.0).min(100.0 - x).max(0.0);
            let seg = Segment {
                x: format!("{x:.2}"),
                width: format!("{width:.2}"),
                class: segment_class(kind, &label, i),
                percent: format!("{:.0}%", share * 100.0),
                label: label.replace('_', " "),
                count,
            };
            x += width;
            seg
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_each_other_with_their_classes() {
        let s = segments(
            "bias",
            [
                ("left".to_string(), 1, 0.25),
                ("lean_right".to_string(), 1, 0.25),
                ("unrated".to_string(), 2, 0.5),
                ("nothing".to_string(), 0, 0.0),
            ],
        );
        assert_eq!(s.len(), 3);
        assert_eq!((s[1].x.as_str(), s[1].width.as_str()), ("25.00", "25.00"));
        assert_eq!(s[1].class, "seg seg-lean-right");
        assert_eq!(s[1].label, "lean right");
        assert_eq!(s[2].class, "seg seg-unrated");
        assert_eq!(s[2].percent, "50%");
        let r = segments("ownership", [("state".to_string(), 1, 1.0)]);
        assert_eq!(r[0].class, "seg seg-r0");
        assert!(bias_rank("left") < bias_rank("Lean-Right"));
        assert!(bias_rank("satire") < bias_rank("unrated"));
    }
}
