//! C strings across the boundary: the caller's read in, ours copied into the caller's
//! buffers or handed out by pointer.

use std::ffi::{CString, c_char};
use std::os::raw::c_int;

/// How many texts handed out by pointer stay valid: Steam's stay valid at least until the
/// next call of the same function, and callers copy them at once.
const KEPT_TEXTS: usize = 16;

/// A C string from the caller, lossily; "" for null.
///
/// # Safety
///
/// `text` is null or a NUL-terminated string valid during the call.
pub unsafe fn text(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: see above.
    unsafe { std::ffi::CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// Copies `value` and a NUL into `out` of `size` bytes, cut to fit; the bytes written.
///
/// # Safety
///
/// `out` is null or has room for `size` bytes.
pub unsafe fn copy_text(value: &[u8], out: *mut c_char, size: c_int) -> usize {
    let Ok(size) = usize::try_from(size) else {
        return 0;
    };
    if out.is_null() || size == 0 {
        return 0;
    }
    let len = value.len().min(size - 1);
    // SAFETY: see above; `len` + 1 <= `size`.
    unsafe {
        std::ptr::copy_nonoverlapping(value.as_ptr(), out.cast::<u8>(), len);
        out.add(len).write(0);
    }
    len + 1
}

/// Texts handed out by pointer, kept valid for a while.
#[derive(Default)]
pub struct Names {
    kept: Vec<CString>,
    next: usize,
}

impl Names {
    /// A stable pointer to `text`, valid for the next [`KEPT_TEXTS`] calls; "" when `text`
    /// holds a NUL, which no C string can.
    pub fn keep(&mut self, text: String) -> *const c_char {
        let text = CString::new(text).unwrap_or_default();
        if self.kept.len() < KEPT_TEXTS {
            self.kept.push(text);
            return self.kept.last().expect("just pushed").as_ptr();
        }
        let slot = self.next % KEPT_TEXTS;
        self.next += 1;
        self.kept[slot] = text;
        self.kept[slot].as_ptr()
    }
}
