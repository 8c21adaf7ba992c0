//! Is candle's quantised matmul faster than the f32 one for e5-small's shapes, in a portable build
//! (no `-C target-cpu=native`)? Times `x · Wᵀ` for the encoder's three weight shapes with a
//! batch of 16 texts × 80 tokens, as f32 (`gemm`, kernel chosen at run time) and as Q4_0 (the
//! container's format; candle's `QMatMul`, Q8_0 activations).
//!
//! ```text
//! cargo run --release -p parallax-embed --example qmatmul_bench [ROWS] [REPS]
//! ```

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{Device, Module, Tensor};
use std::time::Instant;

fn main() -> candle_core::Result<()> {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16 * 80);
    let reps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let dev = Device::Cpu;
    println!(
        "rows {rows}, {reps} reps, {} threads",
        candle_core::utils::get_num_threads()
    );
    let (mut f32_total, mut q4_total) = (0.0, 0.0);
    // Q, K, V and the attention output (384 × 384, four per layer), FFN in and out.
    for (k, n, per_layer) in [(384, 384, 4.0), (384, 1536, 1.0), (1536, 384, 1.0)] {
        let w = Tensor::randn(0f32, 1.0, (n, k), &dev)?;
        let x = Tensor::randn(0f32, 1.0, (rows, k), &dev)?;
        let wt = w.t()?;
        let _ = x.matmul(&wt)?;
        let t = Instant::now();
        for _ in 0..reps {
            let _ = x.matmul(&wt)?;
        }
        let f = t.elapsed().as_secs_f64() / reps as f64;
        let q = QMatMul::from_qtensor(QTensor::quantize(&w, GgmlDType::Q4_0)?)?;
        let exact = x.matmul(&wt)?;
        let approx = q.forward(&x)?;
        let rel = ((exact.clone() - approx)?
            .sqr()?
            .sum_all()?
            .to_scalar::<f32>()?
            / exact.sqr()?.sum_all()?.to_scalar::<f32>()?)
        .sqrt();
        let t = Instant::now();
        for _ in 0..reps {
            let _ = q.forward(&x)?;
        }
        let qs = t.elapsed().as_secs_f64() / reps as f64;
        f32_total += f * per_layer;
        q4_total += qs * per_layer;
        println!(
            "{k:>5} x {n:<5} f32 {:7.2} ms   q4_0 {:7.2} ms   q4/f32 {:.2}   relative error {rel:.3}",
            f * 1e3,
            qs * 1e3,
            qs / f
        );
    }
    println!(
        "one encoder layer's weight products: f32 {:.1} ms, q4_0 {:.1} ms (x{:.2})",
        f32_total * 1e3,
        q4_total * 1e3,
        q4_total / f32_total
    );
    Ok(())
}
