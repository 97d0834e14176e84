//! The state of a device the registry holds (SPEC §5.3), decided from its
//! own facts: what `devices` lists and `--state` filters on.

use chrono::NaiveDate;

use super::expiry::is_expired;

/// Where a device stands. The first that applies wins: a disposed device
/// is disposed whatever else is true; a lost one is lost; then an expired
/// one is expired (held or not: the organisation can no longer revoke it);
/// then held, out of use (registered once, held by no one now), in stock
/// (delivered and never registered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeviceState {
    InStock,
    InService,
    OutOfUse,
    Disposed,
    Lost,
    Expired,
}

impl DeviceState {
    /// The word JSON and CSV use.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DeviceState::InStock => "in-stock",
            DeviceState::InService => "in-service",
            DeviceState::OutOfUse => "out-of-use",
            DeviceState::Disposed => "disposed",
            DeviceState::Lost => "lost",
            DeviceState::Expired => "expired",
        }
    }
}

/// What decides a device's state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts {
    pub(crate) expires: NaiveDate,
    pub(crate) holders: u32,
    pub(crate) ever_registered: bool,
    pub(crate) disposed: bool,
    pub(crate) lost: bool,
}

pub(crate) fn state(facts: &Facts, today: NaiveDate) -> DeviceState {
    if facts.disposed {
        DeviceState::Disposed
    } else if facts.lost {
        DeviceState::Lost
    } else if is_expired(facts.expires, today) {
        DeviceState::Expired
    } else if facts.holders > 0 {
        DeviceState::InService
    } else if facts.ever_registered {
        DeviceState::OutOfUse
    } else {
        DeviceState::InStock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of SPEC 5.3, which `devices --state` and JSON use.
    #[test]
    fn states_are_named_as_the_spec_names_them() {
        let named: Vec<&str> = [
            DeviceState::InStock,
            DeviceState::InService,
            DeviceState::OutOfUse,
            DeviceState::Disposed,
            DeviceState::Lost,
            DeviceState::Expired,
        ]
        .into_iter()
        .map(DeviceState::as_str)
        .collect();
        assert_eq!(
            named,
            [
                "in-stock",
                "in-service",
                "out-of-use",
                "disposed",
                "lost",
                "expired"
            ]
        );
    }

    #[test]
    fn the_first_state_that_applies_wins() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let base = Facts {
            expires: day(30),
            holders: 0,
            ever_registered: false,
            disposed: false,
            lost: false,
        };
        let today = day(30);
        assert_eq!(state(&base, today), DeviceState::InStock);
        let held = Facts {
            holders: 2,
            ever_registered: true,
            ..base
        };
        assert_eq!(state(&held, today), DeviceState::InService);
        assert_eq!(state(&held, day(31)), DeviceState::Expired);
        let returned = Facts {
            ever_registered: true,
            ..base
        };
        assert_eq!(state(&returned, today), DeviceState::OutOfUse);
        let lost = Facts {
            lost: true,
            ..returned
        };
        assert_eq!(state(&lost, day(31)), DeviceState::Lost);
        let disposed = Facts {
            disposed: true,
            ..lost
        };
        assert_eq!(state(&disposed, today), DeviceState::Disposed);
    }
}
