//! A generated call list for `check_calls` benchmarks and measurements: one
//! customer a row, as a CRM export would give them — Chinese names, renewal
//! dates, discounts, fees in CNY (some quoted with a thousands comma),
//! tiers, phone numbers and e-mail addresses. Every row is different (the
//! phone number counts up), and every value is valid unless `bad_every`
//! asks for a bad date now and then.

use std::fmt::Write as _;

/// The header row, in the order of the spec's variables.
pub const HEADER: &str = "customer_name,contract_end,discount,fee,tier,callback,email\n";

/// The spec whose variables the list fills (every variable said once).
pub const SPEC: &str = r#"call renewal_campaign {
  locale "zh-CN"
  caller li_ming { name "李明" }
  callee customer { name "客户" }

  vars {
    customer_name text                      required example "张强"
    contract_end  date                      required example "2026-12-31"
    discount      percent                   default 8
    fee           money(CNY)                optional
    tier          one_of(standard, premium) default standard
    callback      phone                     required example "+8613800138000"
    email         email                     optional pii
  }

  flow {
    on voicemail -> end
    step greet "开场" {
      say "您好，请问是{var.customer_name}吗？您的{var.tier}合同{var.contract_end}到期。"
      say "续约可享{var.discount}优惠，年费{var.fee}。资料会发到{var.email}，回电请拨{var.callback}。"
    }
  }

  end {
    closing "感谢您抽空沟通，再见！"
  }
}
"#;

const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "强", "娜", "芳", "磊", "洋", "静", "伟", "敏", "建国", "秀英", "志明", "晓东",
];

/// A list of `rows` calls; with `bad_every` = `Some(n)`, every n-th row's
/// date is 31 February.
pub fn csv(rows: usize, bad_every: Option<usize>) -> String {
    let mut out = String::with_capacity(rows * 96 + HEADER.len());
    out.push_str(HEADER);
    let mut seed: u64 = 0x5EED;
    for i in 0..rows {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = (seed >> 33) as usize;
        let name = format!("{}{}", SURNAMES[r % SURNAMES.len()], GIVEN[(r / 16) % GIVEN.len()]);
        let (month, day) = (1 + (r / 7) % 12, 1 + (r / 3) % 28);
        let year = 2026 + (r / 11) % 3;
        let date = if bad_every.is_some_and(|n| i % n == n - 1) {
            format!("{year}-02-31")
        } else {
            format!("{year}-{month:02}-{day:02}")
        };
        let discount = match r % 4 {
            0 => String::new(),
            1 => "8".to_owned(),
            2 => "8.5%".to_owned(),
            _ => "12".to_owned(),
        };
        let fee = match r % 5 {
            0 => String::new(),
            1 => "\"1,299.00\"".to_owned(),
            2 => "¥899".to_owned(),
            _ => format!("{}.{:02}", 100 + r % 5000, r % 100),
        };
        let tier = ["standard", "premium", ""][r % 3];
        let email = if r.is_multiple_of(2) {
            format!("customer{i}@example.com")
        } else {
            String::new()
        };
        let _ = writeln!(out, "{name},{date},{discount},{fee},{tier},+86138{i:08},{email}");
    }
    out
}
