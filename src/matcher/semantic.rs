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
        let row = &self.data[i * self.dim..(i + 1) * self.dim];
        dot(row, query)
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

    /// Cosine similarity of `query` with text `i`'s topic; `own` holds the
    /// texts' own vectors.
    pub fn similarity(&self, own: &Vectors, i: usize, query: &[f32]) -> f32 {
        match self.rows[i] {
            SAME => own.similarity(i, query),
            row => self.vectors.similarity(row as usize, query),
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

/// Written for the compiler to vectorise: eight independent sums over
/// exact chunks, so there is no bounds check in the loop.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0_f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
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

    #[test]
    fn empty_text_is_zero_not_nan() {
        let q = encode("");
        assert!(q.iter().all(|x| *x == 0.0));
    }
}
