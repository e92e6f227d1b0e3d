//! Token counts from a Hugging Face `tokenizer.json`, for fronts that receive text only
//! (OpenRLHF's `/get_reward`, `plaudit score` on samples without `tokens`), so rewards with
//! `unit: tokens` can run. The count is the number of tokens of the response text encoded
//! without special tokens (the end-of-turn marker stripped before is not counted).

use std::path::Path;
use std::sync::Arc;

use plaudit_wire::openrlhf::TokenCounter;
use tokenizers::Tokenizer;

/// Load `tokenizer.json` (a file, or a directory holding one) as a token counter, or say why not.
pub fn load(path: &Path) -> Result<TokenCounter, String> {
    let file = if path.is_dir() {
        path.join("tokenizer.json")
    } else {
        path.to_path_buf()
    };
    let tok = Tokenizer::from_file(&file)
        .map_err(|e| format!("cannot load tokenizer {}: {e}", file.display()))?;
    Ok(Arc::new(move |text: &str| {
        tok.encode(text, false)
            .map(|enc| enc.len() as u64)
            .map_err(|e| e.to_string())
    }))
}
