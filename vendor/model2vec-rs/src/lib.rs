mod fast_unigram;
mod fast_wordpiece;
pub mod model;
mod trie;
