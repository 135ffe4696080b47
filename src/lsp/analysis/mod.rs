//! What the language server knows about one version of a document, with no
//! protocol and no IO: the check (the same as `callc check`), whose table of
//! every definition and reference ([`Symbols`]) the features query (hover,
//! completion, outline, rename, semantic highlighting). Offsets are bytes, as everywhere in the
//! compiler; the protocol layer converts them.
//!
//! Input: a file name and its text. Output: [`Analysis`].

pub mod complete;
pub mod highlight;
pub mod hover;
pub mod outline;
pub mod rename;
pub mod tokens;
pub mod vars;

use crate::Compiled;
use crate::check::{LintLevels, Symbols};

/// One version of a document, checked.
#[derive(Debug)]
pub struct Analysis {
    /// The check's result: text, syntax tree, spec, symbols and diagnostics,
    /// exactly as `callc check` computes them (default lint levels).
    pub compiled: Compiled,
}

impl Analysis {
    /// Checks `text`; `name` labels the file (as `callc check` would).
    #[must_use]
    pub fn new(name: &str, text: &str) -> Self {
        let compiled = crate::compile(name, text.as_bytes(), &LintLevels::default());
        Self { compiled }
    }

    /// Every definition and reference the checker resolved, when the text parsed.
    #[must_use]
    pub fn symbols(&self) -> Option<&Symbols> {
        self.compiled.symbols.as_ref()
    }

    /// The text analysed.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.compiled.file.text
    }

    /// Whether the text parsed (so the symbols and the outline are available).
    #[must_use]
    pub fn parsed(&self) -> bool {
        self.compiled.ast.is_some()
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Specs the analysis tests share.

    /// Per-call variables, several callees (one extending another, which
    /// another extends) and a signal with examples; Chinese ids and emoji.
    /// It checks clean.
    pub const MANY: &str = r#"call 续约 {
  locale "zh-CN"
  caller 李明 { name "李明" org "长江公司" }
  callee 张强 {
    name "{var.客户}"
    concern 条款 primary "条款是否有书面明细😀"
    concern 价格 secondary "价格是否透明"
  }
  callee 忙碌 extends 张强 {
    persona "{callee.name}，{background.情境}"
    background { 情境 "在开会😀" }
    behavior "时间紧😀"
    concern 价格 latent "价格之后再看"
  }
  callee 比价 extends 忙碌 { concern 价格 primary "只关心最终价格" allow uncovered_on_path }
  signal 忙 "张强说忙😀" {
    example "我现在很忙，发邮箱吧"
    example "在开会😀"
  }
  vars {
    客户   text               required example "张强" "客户姓名😀"
    到期日 date               required example "2026-12-31"
    优惠   percent            default 8
    费用   money(CNY)         optional example "1299.00"
    套餐   one_of(标准, 高级) default 标准
    回拨   phone              optional pii
  }
  flow {
    on voicemail -> end(拒绝)
    on 忙 -> end(拒绝)
    step 开场 "问候😀" covers 条款 { say "{callee.name}您好😀，合同{var.到期日}到期。" next 报价 }
    step 报价 covers 价格 { say "享{var.优惠}优惠，{var.套餐}{var.费用}，回拨{var.回拨}" -> end(同意) }
  }
  end {
    when 同意 "同意" callee "同意了"
    when 拒绝 "拒绝" callee "拒绝了"
    closing "再见，{var.客户}"
  }
}
"#;
}
