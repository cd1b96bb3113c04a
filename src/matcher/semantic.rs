//! The semantic signal: how close a question is in meaning to each entry's
//! phrasings and answer sentences, with no word lists.
//!
//! A static embedding model (`model/`, distilled from all-MiniLM-L6-v2 with
//! `Model2Vec`) maps a text to the mean of its `WordPiece` tokens' vectors, so
//! encoding a question costs microseconds. The model is embedded in the
//! binary and parsed once per process.
//!
//! Owns: the only `model2vec_rs` import. Must not: know any vocabulary.

use std::sync::OnceLock;

use model2vec_rs::model::StaticModel;

static TOKENIZER: &[u8] = include_bytes!("../../model/tokenizer.json");
static CONFIG: &[u8] = include_bytes!("../../model/config.json");

/// Bytes at an 8-byte boundary: the safetensors format aligns each tensor
/// within the file, so the float16 embeddings can be read in place.
#[repr(C, align(8))]
struct Aligned<T: ?Sized>(T);

static WEIGHTS: &Aligned<[u8]> = &Aligned(*include_bytes!("../../model/model.safetensors"));

/// The embedded model, parsed on first use and shared by every index in
/// the process. Its float16 table is read where the binary holds it
/// (`from_static_bytes`, patched into `vendor/model2vec-rs`): no heap, and
/// only the pages of the tokens read are ever loaded, where widening it to
/// float32 held 31 MB.
fn model() -> &'static StaticModel {
    static MODEL: OnceLock<StaticModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        // The bytes are compiled in and checked by `embedded_model_loads`
        // below: failing here means the build itself is broken.
        StaticModel::from_static_bytes(TOKENIZER, &WEIGHTS.0, CONFIG, Some(true))
            .expect("the embedded model in model/ parses (checked by a unit test)")
    })
}

/// Unit-length vectors of texts, in one flat buffer of `dim` floats each.
pub struct Vectors {
    dim: usize,
    data: Vec<f32>,
}

impl Vectors {
    /// Encodes each text; a text with no known token gets the zero vector
    /// (similarity 0 to everything).
    pub fn encode<T: AsRef<str>>(texts: impl IntoIterator<Item = T>) -> Vectors {
        let m = model();
        let dim = m.dim();
        let mut data = Vec::new();
        for t in texts {
            data.extend(clean(m.encode_single(t.as_ref())));
        }
        Vectors { dim, data }
    }

    /// The unit-length mean of each group of rows: an entry's centroid
    /// from its phrasings' vectors.
    pub fn means(&self, groups: impl IntoIterator<Item = std::ops::Range<usize>>) -> Vectors {
        let mut data = Vec::new();
        for g in groups {
            let mut mean = vec![0.0_f32; self.dim];
            for i in g {
                for (m, x) in mean
                    .iter_mut()
                    .zip(&self.data[i * self.dim..(i + 1) * self.dim])
                {
                    *m += x;
                }
            }
            let norm = mean.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                for x in &mut mean {
                    *x /= norm;
                }
            }
            data.extend(mean);
        }
        Vectors {
            dim: self.dim,
            data,
        }
    }

    /// No vectors, of `dim` floats each.
    pub fn empty(dim: usize) -> Vectors {
        Vectors {
            dim,
            data: Vec::new(),
        }
    }

    /// Each vector's first `dims` floats (all of them when it has fewer).
    pub fn prefix(&self, dims: usize) -> Vectors {
        let dims = dims.min(self.dim);
        Vectors {
            dim: dims,
            data: self
                .data
                .chunks_exact(self.dim.max(1))
                .flat_map(|row| &row[..dims])
                .copied()
                .collect(),
        }
    }

    /// Cosine similarity of `query` (unit length) with vector `i`.
    pub fn similarity(&self, i: usize, query: &[f32]) -> f32 {
        dot(self.row(i), query)
    }

    /// [`Vectors::similarity`] of `query` with each of `rows`, handed to
    /// `each` in order, four rows computed at a time.
    pub fn similarities(
        &self,
        rows: impl IntoIterator<Item = usize>,
        query: &[f32],
        each: impl FnMut(f32),
    ) {
        for_each_dot(rows.into_iter().map(|i| self.row(i)), query, each);
    }

    fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// How many vectors there are.
    pub fn len(&self) -> usize {
        self.data.len() / self.dim.max(1)
    }
}

/// The dot product of `query` with each of `rows`, handed to `each` in
/// order: four at a time through [`dot4`], the rest one by one, every
/// one the same float as [`dot`] gives it.
fn for_each_dot<'a>(
    rows: impl Iterator<Item = &'a [f32]>,
    query: &[f32],
    mut each: impl FnMut(f32),
) {
    let mut batch: [&[f32]; 4] = [&[]; 4];
    let mut n = 0;
    for row in rows {
        batch[n] = row;
        n += 1;
        if n == 4 {
            dot4(batch, query).into_iter().for_each(&mut each);
            n = 0;
        }
    }
    for row in &batch[..n] {
        each(dot(row, query));
    }
}

/// Vectors in 8 bits, to bound their similarities to a query from a
/// quarter of the memory: a bound that is never below the float32 cosine
/// [`Vectors::similarity`] gives, so a search can skip every row whose
/// bound cannot win and stay exact (see the matcher's `nearest_example`).
///
/// Row `r` is `scale[r] * code[r]` to within `scale[r] / 2` per element;
/// the query is coded in 7 bits the same way, shifted to be unsigned
/// (AVX2 multiplies unsigned by signed bytes, and 7 bits keep a pair of
/// products within the 16 bits it sums them in). Integer sums are exact,
/// so every path gives the same bound.
pub struct Quantized {
    dim: usize,
    code: Vec<i8>,
    scale: Vec<f32>,
    /// Per row: the sum of its codes (to undo the query's shift) and the
    /// L1 norm of its float32 vector (for the error bound).
    code_sum: Vec<i32>,
    l1: Vec<f32>,
}

/// What the query's shift adds to each code: codes in -63..=63 become
/// 1..=127.
const SHIFT: i32 = 64;

/// Added to each bound: more than the float32 rounding of the bound and of
/// the cosine it bounds (256 products of unit vectors: under 2e-5).
const ROUNDING: f32 = 1e-4;

impl Quantized {
    pub fn of(v: &Vectors) -> Quantized {
        let rows = v.len();
        let mut q = Quantized {
            dim: v.dim,
            code: Vec::with_capacity(rows * v.dim),
            scale: Vec::with_capacity(rows),
            code_sum: Vec::with_capacity(rows),
            l1: Vec::with_capacity(rows),
        };
        for r in 0..rows {
            let row = v.row(r);
            let scale = max_abs(row) / 127.0;
            let codes = row.iter().map(|&x| code(x, scale, 127.0));
            let start = q.code.len();
            q.code.extend(codes);
            q.code_sum
                .push(q.code[start..].iter().map(|&c| i32::from(c)).sum());
            q.scale.push(scale);
            q.l1.push(l1(row));
        }
        q
    }

    /// An upper bound on the similarity of `query` with each row, in
    /// order, into `out`.
    pub fn bounds(&self, query: &[f32], out: &mut Vec<f32>) {
        let q_scale = max_abs(query) / 63.0;
        let q_l1 = l1(query);
        let shifted: Vec<u8> = query
            .iter()
            // In 1..=127 by construction: a code in -63..=63 plus 64.
            .map(|&x| (i32::from(code(x, q_scale, 63.0)) + SHIFT) as u8)
            .collect();
        // |q.x - approx| <= sum |q_code * q_scale| |x err| + sum |q err| |x|
        //                <= x_scale / 2 * (|q|_1 + dim * q_scale / 2)
        //                   + q_scale / 2 * |x|_1
        let q_coded_l1 = q_l1 + self.dim as f32 * q_scale / 2.0;
        let mut dots = Vec::with_capacity(self.scale.len());
        shifted_dots(&shifted, &self.code, self.dim, &mut dots);
        out.clear();
        out.extend(
            dots.iter()
                .zip(&self.code_sum)
                .zip(&self.scale)
                .zip(&self.l1)
                .map(|(((&dot, &sum), &scale), &l1)| {
                    let approx = (dot - SHIFT * sum) as f32 * q_scale * scale;
                    approx + scale / 2.0 * q_coded_l1 + q_scale / 2.0 * l1 + ROUNDING
                }),
        );
    }
}

/// The largest magnitude in `v`: what its code's scale is fitted to.
fn max_abs(v: &[f32]) -> f32 {
    v.iter().fold(0.0_f32, |m, x| m.max(x.abs()))
}

/// The L1 norm of `v`: how much its coding error can add to a dot product.
fn l1(v: &[f32]) -> f32 {
    v.iter().map(|x| x.abs()).sum()
}

/// `x / scale` rounded, within `-max..=max`; 0 for a zero scale.
fn code(x: f32, scale: f32, max: f32) -> i8 {
    if scale > 0.0 {
        // Within -max..=max (at most 127) by the clamp.
        (x / scale).round().clamp(-max, max) as i8
    } else {
        0
    }
}

/// The exact integer dot product of unsigned bytes `u` with each row of
/// `dim` signed bytes in `rows`, into `out`: one call for all rows, so the
/// vector path is entered once per query, not once per row.
fn shifted_dots(u: &[u8], rows: &[i8], dim: usize, out: &mut Vec<i32>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return avx::shifted_dots(simd, u, rows, dim, out);
    }
    out.extend(
        rows.chunks_exact(dim.max(1))
            .map(|row| shifted_dot_portable(u, row)),
    );
}

fn shifted_dot_portable(u: &[u8], x: &[i8]) -> i32 {
    u.iter()
        .zip(x)
        .map(|(&a, &b)| i32::from(a) * i32::from(b))
        .sum()
}

/// The vectors of texts read with the role names left out (their topic),
/// kept only for the texts that name a role: the others read the same
/// either way, and their own vector stands in. Most answer sentences and
/// many phrasings name none, so this saves a vector each.
pub struct Topics {
    /// Per text: its row in `vectors`, or [`SAME`].
    rows: Vec<u32>,
    vectors: Vectors,
}

/// A text whose topic is the text itself.
const SAME: u32 = u32::MAX;

impl Topics {
    /// `topics[i]` is `texts[i]` with the role names left out.
    pub fn encode(texts: &[String], topics: impl IntoIterator<Item = String>) -> Topics {
        let mut rows = Vec::with_capacity(texts.len());
        let mut differ = Vec::new();
        for (text, topic) in texts.iter().zip(topics) {
            if *text == topic {
                rows.push(SAME);
            } else {
                rows.push(differ.len() as u32);
                differ.push(topic);
            }
        }
        Topics {
            rows,
            vectors: Vectors::encode(differ),
        }
    }

    /// Whether text `i` reads the same with its role names left out: its
    /// topic vector is then its own vector.
    pub fn is_same(&self, i: usize) -> bool {
        self.rows[i] == SAME
    }

    /// Cosine similarity of `query` with the topic of each of `texts`,
    /// handed to `each` in order, four computed at a time; `own` holds the
    /// texts' own vectors.
    pub fn similarities(
        &self,
        own: &Vectors,
        texts: impl IntoIterator<Item = usize>,
        query: &[f32],
        each: impl FnMut(f32),
    ) {
        for_each_dot(texts.into_iter().map(|i| self.row(own, i)), query, each);
    }

    fn row<'a>(&'a self, own: &'a Vectors, i: usize) -> &'a [f32] {
        match self.rows[i] {
            SAME => own.row(i),
            row => self.vectors.row(row as usize),
        }
    }
}

/// A question's unit-length vector.
pub fn encode(text: &str) -> Vec<f32> {
    clean(model().encode_single(text))
}

/// NaN-free and unit length, or all zeros: the model normalises, but an
/// empty text pools to zeros and must not turn into NaN.
fn clean(mut v: Vec<f32>) -> Vec<f32> {
    if v.iter().any(|x| !x.is_finite()) {
        v.fill(0.0);
    }
    v
}

/// Floats per partial sum: [`dot`] keeps this many running sums, one per
/// lane of an AVX register, so the vector path adds the same numbers in the
/// same order as the portable one.
const LANES: usize = 8;

/// Cosine of unit vectors: `LANES` running sums over exact chunks (lane k
/// sums elements k, k + 8, ...), then the sums added left to right. Every
/// path below computes exactly this, bit for bit: a CPU with AVX must not
/// get another score, hence another answer, than one without.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return avx::dot(simd, a, b);
    }
    dot_portable(a, b)
}

/// [`dot`] of each of four rows with `q`, all of one length. Four rows at
/// once keep four independent sums in flight, where one row alone waits
/// on each add, and read `q` once for all of them.
fn dot4(rows: [&[f32]; 4], q: &[f32]) -> [f32; 4] {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return avx::dot4(simd, rows, q);
    }
    rows.map(|r| dot_portable(r, q))
}

/// [`dot`] in 256-bit registers, one per row: multiply, then add (no
/// fused multiply-add, which rounds once where the portable path rounds
/// twice). Chosen at run time, so the binary still runs on any x86-64.
#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{finish, LANES};
    use pulp::{x86::V3, Simd};

    type Chunk = [f32; LANES];

    /// [`super::shifted_dots`], 32 bytes at a time: `vpmaddubsw` multiplies
    /// and sums pairs into 16 bits (at most 2 * 127 * 127, no saturation),
    /// `vpmaddwd` by ones widens and sums those into 32.
    pub(super) fn shifted_dots(simd: V3, u: &[u8], rows: &[i8], dim: usize, out: &mut Vec<i32>) {
        use core::arch::x86_64::__m256i;
        simd.vectorize(
            #[inline(always)]
            || {
                let (cu, tu) = pulp::as_arrays::<32, u8>(u);
                let ones = simd.avx._mm256_set1_epi16(1);
                for x in rows.chunks_exact(dim.max(1)) {
                    let (cx, tx) = pulp::as_arrays::<32, i8>(x);
                    let mut acc = simd.avx._mm256_setzero_si256();
                    for (a, b) in cu.iter().zip(cx) {
                        let a: __m256i = pulp::cast(*a);
                        let b: __m256i = pulp::cast(*b);
                        let pairs = simd.avx2._mm256_maddubs_epi16(a, b);
                        let quads = simd.avx2._mm256_madd_epi16(pairs, ones);
                        acc = simd.avx2._mm256_add_epi32(acc, quads);
                    }
                    let lanes: [i32; 8] = pulp::cast(acc);
                    out.push(lanes.iter().sum::<i32>() + super::shifted_dot_portable(tu, tx));
                }
            },
        );
    }

    pub(super) fn dot(simd: V3, a: &[f32], b: &[f32]) -> f32 {
        simd.vectorize(
            #[inline(always)]
            || {
                let (ca, ta) = pulp::as_arrays::<LANES, f32>(a);
                let (cb, tb) = pulp::as_arrays::<LANES, f32>(b);
                let mut acc = simd.splat_f32s(0.0);
                for (x, y) in ca.iter().zip(cb) {
                    acc = simd.add_f32s(acc, simd.mul_f32s(pulp::cast(*x), pulp::cast(*y)));
                }
                finish(pulp::cast(acc), ta, tb)
            },
        )
    }

    pub(super) fn dot4(simd: V3, rows: [&[f32]; 4], q: &[f32]) -> [f32; 4] {
        simd.vectorize(
            #[inline(always)]
            || {
                let (cq, tq) = pulp::as_arrays::<LANES, f32>(q);
                let split: [(&[Chunk], &[f32]); 4] = rows.map(pulp::as_arrays::<LANES, f32>);
                let [c0, c1, c2, c3] = split.map(|(c, _)| c);
                let mut acc = [simd.splat_f32s(0.0); 4];
                let step = |acc: pulp::f32x8, x: &Chunk, y: pulp::f32x8| {
                    simd.add_f32s(acc, simd.mul_f32s(pulp::cast(*x), y))
                };
                for ((((y, x0), x1), x2), x3) in cq.iter().zip(c0).zip(c1).zip(c2).zip(c3) {
                    let y = pulp::cast(*y);
                    acc[0] = step(acc[0], x0, y);
                    acc[1] = step(acc[1], x1, y);
                    acc[2] = step(acc[2], x2, y);
                    acc[3] = step(acc[3], x3, y);
                }
                let mut out = [0.0; 4];
                for ((o, a), (_, t)) in out.iter_mut().zip(acc).zip(split) {
                    *o = finish(pulp::cast(a), t, tq);
                }
                out
            },
        )
    }
}

/// [`dot`] in plain code, written for the compiler to vectorise for the
/// baseline target: `LANES` independent sums over exact chunks, so there
/// is no bounds check in the loop.
fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0_f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ta, tb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    finish(acc, ta, tb)
}

/// The end of [`dot`], the same code on every path: the lanes' sums left
/// to right, then the elements past the last whole chunk.
#[inline]
fn finish(acc: [f32; LANES], ta: &[f32], tb: &[f32]) -> f32 {
    let tail: f32 = ta.iter().zip(tb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_loads() {
        assert_eq!(model().dim(), 256);
    }

    #[test]
    fn paraphrases_are_closer_than_other_topics() {
        let v = Vectors::encode([
            "how much does a machine learning engineer earn",
            "what tools does a carpenter use",
        ]);
        let q = encode("ml engineer salary?");
        assert!(v.similarity(0, &q) > v.similarity(1, &q) + 0.1);
        assert!(
            (v.similarity(0, &encode("how much does a machine learning engineer earn")) - 1.0)
                .abs()
                < 1e-3
        );
    }

    /// The AVX path, one row or four, must give the very float the
    /// portable one does, or the CPU would change answers.
    #[test]
    fn every_dot_path_gives_the_portable_float() {
        let wave = |seed: usize, len: usize| -> Vec<f32> {
            (0..len)
                .map(|i| ((i * 37 + seed * 11) % 101) as f32 / 101.0 - 0.5)
                .collect()
        };
        for len in [0, 3, 8, 64, 256, 259] {
            let q = wave(0, len);
            let rows: Vec<Vec<f32>> = (1..=4).map(|r| wave(r, len)).collect();
            let four = dot4([&rows[0], &rows[1], &rows[2], &rows[3]], &q);
            for (row, got) in rows.iter().zip(four) {
                let want = dot_portable(row, &q).to_bits();
                assert_eq!(dot(row, &q).to_bits(), want, "len {len}");
                assert_eq!(got.to_bits(), want, "len {len}");
            }
        }
    }

    /// The 8-bit bound is never below the float32 cosine, on any path,
    /// and is close to it (else it would skip nothing).
    #[test]
    fn the_8_bit_bound_is_above_the_cosine_and_close() {
        let texts = [
            "how much does a machine learning engineer earn",
            "what tools does a carpenter use",
            "ds skills",
            "",
            "which degree do i need to become a data scientist",
        ];
        let v = Vectors::encode(texts);
        let q8 = Quantized::of(&v);
        let mut bounds = Vec::new();
        for q in texts.iter().map(|t| encode(t)).chain([vec![0.0; 256]]) {
            q8.bounds(&q, &mut bounds);
            for (i, bound) in bounds.iter().enumerate() {
                let s = v.similarity(i, &q);
                assert!(*bound >= s, "row {i}: bound {bound} < {s}");
                assert!(*bound - s < 0.15, "row {i}: bound {bound}, cosine {s}");
            }
        }
        let u: Vec<u8> = (0..259).map(|i| (i * 7 % 127 + 1) as u8).collect();
        let x: Vec<i8> = (0..259_i32).map(|i| (i * 13 % 255 - 127) as i8).collect();
        let rows: Vec<i8> = x.iter().chain(x.iter().rev()).copied().collect();
        let mut dots = Vec::new();
        shifted_dots(&u, &rows, x.len(), &mut dots);
        let rev: Vec<i8> = x.iter().rev().copied().collect();
        assert_eq!(
            dots,
            [shifted_dot_portable(&u, &x), shifted_dot_portable(&u, &rev)]
        );
    }

    /// Over every shipped example, read as a query against all of them:
    /// no bound falls below its cosine.
    #[test]
    fn no_bound_is_below_its_cosine_over_the_shipped_examples() {
        let texts: Vec<&str> = crate::matcher::examples::shipped()
            .iter()
            .map(|x| x.q.as_str())
            .collect();
        let v = Vectors::encode(&texts);
        let q8 = Quantized::of(&v);
        let mut bounds = Vec::new();
        for t in texts.iter().step_by(7) {
            let q = encode(t);
            q8.bounds(&q, &mut bounds);
            for (i, bound) in bounds.iter().enumerate() {
                assert!(*bound >= v.similarity(i, &q), "{t:?} row {i}");
            }
        }
    }

    #[test]
    fn empty_text_is_zero_not_nan() {
        let q = encode("");
        assert!(q.iter().all(|x| *x == 0.0));
    }
}
