//! Answer matching: exact match, answer match (math or exact by the reference), multiple choice, token F1, entity-match partial credit, ranking metrics (NDCG, MRR, hit, recall), temporal IoU of time intervals.

pub(crate) mod extraction;

crate::rewards! {
    exact_match,
    answer_match,
    multiple_choice,
    token_f1,
    ranking_reward,
    entity_match,
    temporal_iou,
}
