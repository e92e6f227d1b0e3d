//! Answer matching: exact match, answer match (math or exact by the reference), multiple choice, token F1, entity-match partial credit, ranking metrics (NDCG, MRR, hit, recall), temporal IoU of time intervals.

pub(crate) mod extraction;

pub mod answer_match;
pub mod entity_match;
pub mod exact_match;
pub mod multiple_choice;
pub mod ranking_reward;
pub mod temporal_iou;
pub mod token_f1;

crate::rewards! {
    exact_match,
    answer_match,
    multiple_choice,
    token_f1,
    ranking_reward,
    entity_match,
    temporal_iou,
}
