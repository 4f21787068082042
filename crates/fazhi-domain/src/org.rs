//! Organisation units (行政区划 and the unit tree), roles and what each role may do.
//!
//! Scope: a user sees the records of his unit and the units below it. Roles marked
//! jurisdiction-wide (依法治区办, 领导) read the whole jurisdiction.

use crate::error::Code;
use crate::error::{DomainError, DomainResult};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 复议工作人员
    ReconsiderationClerk,
    /// 应诉工作人员 (司法局应诉科, department legal staff)
    LitigationClerk,
    /// 部门填报员
    DeptClerk,
    /// 依法治区办
    RuleOfLawOffice,
    /// 领导
    Leader,
    /// 系统管理员
    SysAdmin,
    /// 安全管理员
    SecurityAdmin,
    /// 审计管理员
    AuditAdmin,
}

pub const ALL_ROLES: [Role; 8] = [
    Role::ReconsiderationClerk,
    Role::LitigationClerk,
    Role::DeptClerk,
    Role::RuleOfLawOffice,
    Role::Leader,
    Role::SysAdmin,
    Role::SecurityAdmin,
    Role::AuditAdmin,
];

/// What an action needs. Checked in one place (`Role::allows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read case records (within scope).
    ReadCases,
    /// Register and move 行政复议 cases (within scope).
    WriteReconsideration,
    /// Register and move 行政应诉 cases and 司法建议 / 检察建议 (within scope).
    WriteLitigation,
    /// Read indicators.
    ReadIndicators,
    /// Fill and submit a unit's statistics form (数据填报), within write scope.
    FileStatistics,
    /// Run statistics rounds (open, approve, return) and write the annual report (依法治区办).
    ManageReport,
    /// Finalise the annual report (定稿): a leader.
    ApproveReport,
    /// See the account list (the two administrators).
    ListAccounts,
    /// Create, disable, unlock accounts and reset their passwords; manage units (系统管理员).
    ManageAccounts,
    /// Set accounts' roles (安全管理员).
    AssignRoles,
    /// Reset the password of an administrator's account (系统管理员, 安全管理员, 审计管理员): the
    /// 安全管理员, never the 系统管理员 alone.
    ResetAdminPassword,
    /// Set the security settings: lockout, password age, session times (安全管理员).
    ManageSecurity,
    /// Read the audit log.
    ReadAudit,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::ReconsiderationClerk => "reconsideration_clerk",
            Self::LitigationClerk => "litigation_clerk",
            Self::DeptClerk => "dept_clerk",
            Self::RuleOfLawOffice => "rule_of_law_office",
            Self::Leader => "leader",
            Self::SysAdmin => "sys_admin",
            Self::SecurityAdmin => "security_admin",
            Self::AuditAdmin => "audit_admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ReconsiderationClerk => "复议工作人员",
            Self::LitigationClerk => "应诉工作人员",
            Self::DeptClerk => "部门填报员",
            Self::RuleOfLawOffice => "依法治区办",
            Self::Leader => "领导",
            Self::SysAdmin => "系统管理员",
            Self::SecurityAdmin => "安全管理员",
            Self::AuditAdmin => "审计管理员",
        }
    }

    pub fn from_code(s: &str) -> DomainResult<Self> {
        ALL_ROLES
            .into_iter()
            .find(|r| r.code() == s || r.label() == s)
            .ok_or_else(|| DomainError::invalid_option("roles", "角色", s))
    }

    /// Whether this role reads the whole jurisdiction regardless of its unit.
    pub fn jurisdiction_wide(self) -> bool {
        matches!(self, Self::RuleOfLawOffice | Self::Leader)
    }

    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Self::ReconsiderationClerk => {
                matches!(p, ReadCases | WriteReconsideration | ReadIndicators)
            }
            Self::LitigationClerk => matches!(p, ReadCases | WriteLitigation | ReadIndicators),
            Self::DeptClerk => matches!(p, ReadCases | ReadIndicators | FileStatistics),
            // The office writes the report; a leader finalises it (定稿), never the same person.
            Self::RuleOfLawOffice => matches!(
                p,
                ReadCases | ReadIndicators | FileStatistics | ManageReport
            ),
            Self::Leader => matches!(p, ReadCases | ReadIndicators | ApproveReport),
            // 三员分立: the system roles never read case data; the system administrator keeps
            // accounts, the security administrator gives them roles, the audit administrator
            // reads the log.
            Self::SysAdmin => matches!(p, ListAccounts | ManageAccounts),
            Self::SecurityAdmin => matches!(
                p,
                ListAccounts | AssignRoles | ManageSecurity | ResetAdminPassword
            ),
            Self::AuditAdmin => matches!(p, ReadAudit),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 人民政府
    Government,
    /// 政府工作部门
    Department,
    /// 镇（街道）
    Township,
    /// 内设机构或议事协调机构办公室
    Office,
}

impl UnitKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Government => "government",
            Self::Department => "department",
            Self::Township => "township",
            Self::Office => "office",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Government => "人民政府",
            Self::Department => "政府部门",
            Self::Township => "镇（街道）",
            Self::Office => "机构",
        }
    }
    pub fn from_code(s: &str) -> DomainResult<Self> {
        [
            Self::Government,
            Self::Department,
            Self::Township,
            Self::Office,
        ]
        .into_iter()
        .find(|k| k.code() == s || k.label() == s)
        .ok_or_else(|| DomainError::invalid_option("kind", "单位类型", s))
    }
}

/// Validates a 6-digit 行政区划代码.
pub fn parse_division_code(s: &str) -> DomainResult<String> {
    let s = s.trim();
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0') {
        Ok(s.to_string())
    } else {
        Err(DomainError::field(
            Code::InvalidDivisionCode,
            "code",
            "行政区划代码应为6位数字",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_admins_never_read_cases() {
        for r in [Role::SysAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
            assert!(!r.allows(Permission::ReadCases));
        }
        assert!(Role::AuditAdmin.allows(Permission::ReadAudit));
        assert!(!Role::SysAdmin.allows(Permission::ReadAudit));
        assert!(!Role::SysAdmin.allows(Permission::AssignRoles));
        assert!(!Role::SecurityAdmin.allows(Permission::ManageAccounts));
        assert!(!Role::AuditAdmin.allows(Permission::ListAccounts));
        assert_eq!(Role::from_code("领导").unwrap(), Role::Leader);
        assert!(parse_division_code("44530").is_err());
    }
}
