//! Emitters: a checked [`ir::Spec`](crate::ir::Spec) → output text. Pure:
//! the CLI decides where the text goes and writes it atomically.

pub mod json;
