//! A peer's networking options as Steam takes them at `CreateListenSocketP2P` and
//! `ConnectP2P`: an array of `SteamNetworkingConfigValue_t`.
//!
//! The bindings declare the struct's option and type fields as Rust enums, and an option
//! number a game passes that the bindings lack would be undefined behaviour there. So the array
//! is built as a struct of the same layout with integer fields, which only Steam reads.

use std::ffi::{CString, c_char};
use std::os::raw::c_int;

use log::warn;
use smp_transport::{ConfigOption, ConfigValue};
use steamworks::sys;

/// `SteamNetworkingConfigValue_t`'s value union.
#[repr(C)]
#[derive(Clone, Copy)]
union RawValue {
    int32: i32,
    int64: i64,
    float: f32,
    string: *const c_char,
}

/// `SteamNetworkingConfigValue_t`, with its enums as the integers they are.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct RawConfigValue {
    key: c_int,
    data_type: c_int,
    value: RawValue,
}

/// Options in Steam's layout, and the strings they point into.
pub struct RawOptions {
    values: Vec<RawConfigValue>,
    _strings: Vec<CString>,
}

impl RawOptions {
    /// `options` in Steam's layout; a string with a NUL byte is left out, with a warning.
    pub fn new(options: &[ConfigOption]) -> Self {
        let mut strings = Vec::new();
        let mut values = Vec::new();
        for option in options {
            let (data_type, value) = match &option.value {
                ConfigValue::Int32(v) => (1, RawValue { int32: *v }),
                ConfigValue::Int64(v) => (2, RawValue { int64: *v }),
                ConfigValue::Float(v) => (3, RawValue { float: *v }),
                ConfigValue::String(text) => match CString::new(text.as_str()) {
                    Ok(text) => {
                        // The CString's buffer stays where it is when the CString moves.
                        let pointer = text.as_ptr();
                        strings.push(text);
                        (4, RawValue { string: pointer })
                    }
                    Err(_) => {
                        warn!(
                            "networking option {} holds a NUL byte; left out",
                            option.key
                        );
                        continue;
                    }
                },
            };
            values.push(RawConfigValue {
                key: option.key,
                data_type,
                value,
            });
        }
        RawOptions {
            values,
            _strings: strings,
        }
    }

    /// How many, for Steam's `nOptions`.
    pub fn count(&self) -> c_int {
        self.values.len() as c_int
    }

    /// The array, for Steam's `pOptions` (null when empty); valid while `self` lives.
    pub fn as_ptr(&self) -> *const sys::SteamNetworkingConfigValue_t {
        if self.values.is_empty() {
            return std::ptr::null();
        }
        self.values.as_ptr().cast()
    }
}

#[cfg(test)]
mod tests {
    use std::mem::{offset_of, size_of};

    use super::*;

    #[test]
    fn the_layout_is_the_sdks() {
        assert_eq!(
            size_of::<RawConfigValue>(),
            size_of::<sys::SteamNetworkingConfigValue_t>()
        );
        assert_eq!(
            offset_of!(RawConfigValue, data_type),
            offset_of!(sys::SteamNetworkingConfigValue_t, m_eDataType)
        );
        assert_eq!(
            offset_of!(RawConfigValue, value),
            offset_of!(sys::SteamNetworkingConfigValue_t, m_val)
        );
        assert_eq!(
            sys::ESteamNetworkingConfigDataType::k_ESteamNetworkingConfig_String as c_int,
            4
        );
    }

    #[test]
    fn options_keep_their_values() {
        let options = RawOptions::new(&[
            ConfigOption {
                key: 24,
                value: ConfigValue::Int32(10_000),
            },
            ConfigOption {
                key: 103,
                value: ConfigValue::String("stun.example:3478".into()),
            },
            ConfigOption {
                key: 103,
                value: ConfigValue::String("bad\0".into()),
            },
        ]);
        assert_eq!(options.count(), 2);
        let first = options.values[0];
        // SAFETY: written as an int32 above.
        assert_eq!(
            (first.key, first.data_type, unsafe { first.value.int32 }),
            (24, 1, 10_000)
        );
        // SAFETY: the string is alive in `options`.
        let text = unsafe { std::ffi::CStr::from_ptr(options.values[1].value.string) };
        assert_eq!(text.to_str(), Ok("stun.example:3478"));
        assert!(RawOptions::new(&[]).as_ptr().is_null());
    }
}
