//! Similarity to a reference text: BLEU, ROUGE-L, chrF, METEOR, normalised edit distance, keyword chains, protocol steps; consistency between the rollouts of a group; cosine similarities of supplied embeddings (whole texts, or token by token as BMAS).
//!
//! They compare the response (or its extracted final answer) to the sample's reference text(s)
//! (`keyword_chain` to the reference's keywords, `protocol_match` to its steps) and give a value
//! in [0, 1]; `group_similarity` compares it with the other rollouts of
//! its group instead. What they share: which text is compared ([`texts`]),
//! n-gram counting ([`ngrams`]) and the LCS and Levenshtein programmes ([`sequences`]).
//! `embedding_similarity` and `bmas` compare embeddings the trainer supplies in `meta` instead
//! (cosines, in [−1, 1]), read and checked by [`embeddings`].

pub(crate) mod ngrams;
pub(crate) mod sequences;
pub(crate) mod texts;

pub mod bleu;
pub mod bmas;
pub mod chrf;
pub mod edit_similarity;
pub mod embedding_similarity;
pub mod group_similarity;
pub mod keyword_chain;
pub mod meteor;
pub mod protocol_match;
pub mod rouge_l;

crate::rewards! {
    bleu,
    chrf,
    edit_similarity,
    rouge_l,
    meteor,
    keyword_chain,
    protocol_match,
    group_similarity,
    embedding_similarity,
    bmas,
}
