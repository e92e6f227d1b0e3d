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
