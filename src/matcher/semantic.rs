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

    #[test]
    fn empty_text_is_zero_not_nan() {
        let q = encode("");
        assert!(q.iter().all(|x| *x == 0.0));
    }
}
