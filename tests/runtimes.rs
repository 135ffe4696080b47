//! What the voice-runtime targets share: the caller prompt they are built
//! around, and the vendor version each output records, which must be the
//! version CI loads it with.
#![allow(clippy::disallowed_methods, clippy::disallowed_types, clippy::disallowed_macros)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callc::emit::prompt::{self, Template};
use callc::emit::{Target, try_emit};
use callc::ir::{self, VarRef};
use clap::ValueEnum as _;

/// Variables as `<id>`, a literal `<` doubled: enough to tell both paths apart.
struct Angle;
impl Template for Angle {
    fn var(&self, var: &VarRef) -> String {
        format!("<{}>", var.id)
    }
    fn literal(&self, s: &str) -> String {
        s.replace('<', "<<")
    }
}

fn checked(src: &str) -> ir::Spec {
    let c = callc::compile("t.call", src.as_bytes(), &callc::check::LintLevels::default());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c.spec.clone().unwrap()
}

const SPEC: &str = r#"call c {
  title "t"
  locale "zh-CN"
  caller agent {
    name "小王"
    org "泰山公司 <总部>"
    persona "热情"
    task "续约{var.客户}"
    knows { 价格 "1000元" }
  }
  callee kehu { name "{var.客户}" }
  vars { 客户 text required example "张强" }
  opening "您好，{var.客户}"
  flow { step s { say "hi" -> end(ok) } }
  faq { qa q1 { q "多少钱？" a "1000元" } }
  end {
    when ok "客户同意" callee "我同意"
    closing "再见"
  }
}"#;

#[test]
fn the_caller_prompt_has_every_section_in_the_specs_language() {
    let out = prompt::caller(&checked(SPEC), &Angle);
    for want in [
        "### 角色\n",
        "- 姓名：小王\n",
        "泰山公司 <<总部>",
        "热情",
        "续约<客户>",
        "价格：1000元",
        "多少钱？",
        "1000元",
        "“您好，<客户>”",
        "客户同意",
        "“再见”",
    ] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
    assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "{out:?}");
    assert!(!out.contains("{var.") && !out.contains("我同意"), "{out}");
}

#[test]
fn every_runtime_target_records_the_version_ci_pins() {
    for target in Target::value_variants() {
        let Some(vendor) = target.checked_against() else {
            continue;
        };
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(vendor.requirements);
        let requirements = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let pin = format!("{}=={}", vendor.package, vendor.version);
        assert!(
            requirements.lines().any(|l| l.trim() == pin),
            "{target:?}: {} does not pin {pin}",
            path.display()
        );
        let spec = checked(SPEC);
        if let Ok(files) = try_emit(*target, &spec) {
            assert!(
                files.iter().any(|f| f.contents.contains(vendor.version)),
                "{target:?}: no output file records {pin}"
            );
        }
    }
}
