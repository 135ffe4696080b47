//! The reference Markdown layout (docs/import.md): the section titles,
//! labels and flow-note phrases of the two role prompts, in Chinese (the
//! reference document's own) and in English. The `markdown` target writes
//! it and `callc import` reads it; both take it from here, so the two
//! directions cannot drift apart. No IO.

use crate::ir;

/// The words of the layout in one language: section titles, labels and the
/// phrases of flow notes.
#[derive(Debug)]
pub struct Layout {
    /// The locale the importer gives a spec written with these titles.
    pub locale: &'static str,
    /// `## 电话拨打方`.
    pub caller: &'static str,
    /// `## 电话接听方`.
    pub callee: &'static str,
    /// `### 角色` (both parties).
    pub role: &'static str,
    /// `### 核心任务（一句话）`.
    pub task: &'static str,
    /// `### 目标客户画像（…）`: what the caller knows.
    pub knows: &'static str,
    /// `### 分步流程和话术（最重要）`.
    pub flow: &'static str,
    /// `### 问答知识库（…）`.
    pub faq: &'static str,
    /// `### 开场白`.
    pub opening: &'static str,
    /// `### 结束条件与结束语` (caller).
    pub ending: &'static str,
    /// `**结束条件：**` inside the caller's ending section.
    pub end_conditions: &'static str,
    /// `**结束语：**` inside the caller's ending section.
    pub closing: &'static str,
    /// `### 背景信息（…）`.
    pub background: &'static str,
    /// `### 核心关切点（…）`.
    pub concerns: &'static str,
    /// `### 对话中的典型行为模式（…）`.
    pub behavior: &'static str,
    /// `### 回复风格示例（…）`.
    pub style: &'static str,
    /// `### 结束条件（…）` (callee).
    pub callee_end: &'static str,
    /// The label of the examples not to imitate.
    pub avoid: &'static str,
    /// The label of the examples to imitate.
    pub prefer: &'static str,
    /// Concern labels by priority: primary, secondary, latent.
    pub priorities: [&'static str; 3],
    /// The FAQ labels: question, answer.
    pub qa: [&'static str; 2],
    /// Identity labels: name, gender, age, organisation, role.
    pub identity: [&'static str; 5],
    /// Gender words: male, female, other.
    pub genders: [&'static str; 3],
    /// The unit written after an age (`岁`), or nothing.
    pub age_unit: &'static str,
    /// The colon between a label and its value.
    pub colon: &'static str,
    /// Opening and closing quotation marks of spoken lines.
    pub quotes: [&'static str; 2],
    /// Opening and closing brackets of a flow note.
    pub brackets: [&'static str; 2],
    /// A branch: before the signal, after it.
    pub branch: [&'static str; 2],
    /// A global branch: before the signal, after it.
    pub global_branch: [&'static str; 2],
    /// An explicit successor: the words before the target.
    pub then: &'static str,
    /// The arrow between a condition and its target.
    pub arrow: &'static str,
    /// Going to a step: before the number, after it.
    pub goto: [&'static str; 2],
    /// Ending the call.
    pub end_call: &'static str,
}

/// The zh-CN layout: the reference document's own titles.
pub const ZH: Layout = Layout {
    locale: "zh-CN",
    caller: "电话拨打方",
    callee: "电话接听方",
    role: "角色",
    task: "核心任务（一句话）",
    knows: "目标客户画像（电话拨打方所掌握的电话接听方的一些基本信息）",
    flow: "分步流程和话术（最重要）",
    faq: "问答知识库（常见的客户问题和答案）",
    opening: "开场白",
    ending: "结束条件与结束语",
    end_conditions: "结束条件：",
    closing: "结束语：",
    background: "背景信息（包括了身份，关键经历，性格画像，接电话前的即时情境）",
    concerns: "核心关切点（包括了首要，次要和潜在问题）",
    behavior: "对话中的典型行为模式（包括了情绪变化，不确定性，环境因素）",
    style: "回复风格示例（规定了回复风格接近于真实人类而非AI，包括了反面教材和正面教材）",
    callee_end: "结束条件（规定了几种结束条件）",
    avoid: "反面教材 (不要这样说):",
    prefer: "正面教材 (模仿这种感觉):",
    priorities: ["首要问题", "次要问题", "潜在问题"],
    qa: ["问", "答"],
    identity: ["姓名", "性别", "年龄", "单位", "职务"],
    genders: ["男", "女", "其他"],
    age_unit: "岁",
    colon: "：",
    quotes: ["“", "”"],
    brackets: ["（", "）"],
    branch: ["如", ""],
    global_branch: ["任何一步中，如", ""],
    then: "说完后",
    arrow: " → ",
    goto: ["转到第", "步"],
    end_call: "结束通话",
};

/// The English layout, used for every locale other than Chinese.
pub const EN: Layout = Layout {
    locale: "en",
    caller: "Caller",
    callee: "Callee",
    role: "Role",
    task: "Core task (one sentence)",
    knows: "Customer profile (what the caller knows about the callee)",
    flow: "Step-by-step flow and script (most important)",
    faq: "FAQ (common customer questions and answers)",
    opening: "Opening line",
    ending: "End conditions and closing line",
    end_conditions: "End conditions:",
    closing: "Closing line:",
    background: "Background (identity, key experiences, personality, situation just before the call)",
    concerns: "Core concerns (primary, secondary and latent)",
    behavior: "Typical behaviour in the conversation (mood changes, uncertainty, surroundings)",
    style: "Reply style examples (sound like a real person, not an AI; examples to avoid and to imitate)",
    callee_end: "End conditions (the ways the call can end)",
    avoid: "Examples to avoid (don't talk like this):",
    prefer: "Examples to imitate (aim for this feel):",
    priorities: ["Primary concern", "Secondary concern", "Latent concern"],
    qa: ["Q", "A"],
    identity: ["Name", "Gender", "Age", "Organisation", "Role"],
    genders: ["male", "female", "other"],
    age_unit: "",
    colon: ": ",
    quotes: ["“", "”"],
    brackets: ["(", ")"],
    branch: ["If “", "”"],
    global_branch: ["At any step, if “", "”"],
    then: "Then",
    arrow: " → ",
    goto: ["go to step ", ""],
    end_call: "end the call",
};

/// The layout for a locale: Chinese (`zh`, any region or script) gets the
/// reference document's titles, every other locale the English ones.
#[must_use]
pub fn layout(locale: &str) -> &'static Layout {
    match ir::Language::of(locale) {
        ir::Language::Chinese => &ZH,
        ir::Language::English => &EN,
    }
}
