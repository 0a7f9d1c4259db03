//! Writing the SDK's structs field by field, at the offsets of the generated bindings.
//!
//! Several structs hold C enums that the bindings declare as Rust enums; building one as its
//! Rust type from a number the enum lacks would be undefined behaviour, so nothing here builds
//! the Rust types: every field is written as the integer it holds, at its offset, into zeroed
//! bytes (a callback's) or into the caller's struct (an out-parameter's). Each write checks
//! that the value is exactly as wide as the field.

/// The size of the field `field` picks out of a `T`, without a `T`.
pub fn field_size<T, F>(_pick: impl FnOnce(*const T) -> *const F) -> usize {
    std::mem::size_of::<F>()
}

/// Writes `value` at `offset` of the struct at `base`, unaligned (the SDK's structs are packed).
///
/// # Safety
///
/// `base` points to a writable struct in which `offset + size_of::<V>()` bytes fit.
pub unsafe fn put<V: Copy>(base: *mut u8, offset: usize, value: V) {
    // SAFETY: see above.
    unsafe { base.add(offset).cast::<V>().write_unaligned(value) }
}

/// A value's width, for the check against its field.
pub fn width<V>(_value: &V) -> usize {
    std::mem::size_of::<V>()
}

/// Writes fields of the SDK struct `$ty` at `$base` (a `*mut` to it or to its bytes), each
/// value as wide as its field.
///
/// Expand it inside `unsafe`: `$base` must point to a writable `$ty`.
macro_rules! write_fields {
    ($base:expr, $ty:ty { $($field:ident : $value:expr),* $(,)? }) => {{
        let base: *mut u8 = $base.cast();
        $(
            let value = $value;
            // SAFETY: only the field's address is computed, never read.
            #[allow(unused_unsafe)]
            let field = $crate::raw::field_size(|p: *const $ty| unsafe { &raw const (*p).$field });
            assert_eq!(
                $crate::raw::width(&value),
                field,
                concat!(stringify!($ty), "::", stringify!($field), " is written at its width"),
            );
            // The caller's unsafe block covers this: the field lies inside the struct.
            $crate::raw::put(base, std::mem::offset_of!($ty, $field), value);
        )*
    }};
}

/// A callback's struct `$ty`, as zeroed bytes with these fields written.
macro_rules! callback_bytes {
    ($ty:ty { $($field:ident : $value:expr),* $(,)? }) => {{
        let mut bytes = vec![0_u8; std::mem::size_of::<$ty>()];
        // SAFETY: the bytes are as many as the struct's.
        unsafe { $crate::raw::write_fields!(bytes.as_mut_ptr(), $ty { $($field: $value),* }) };
        bytes
    }};
}

pub(crate) use {callback_bytes, write_fields};

/// A Rust string as a fixed C char array, cut to leave room for the NUL.
pub fn c_chars<const N: usize>(text: &str) -> [std::ffi::c_char; N] {
    let mut out = [0; N];
    for (slot, byte) in out.iter_mut().zip(text.bytes().take(N - 1)) {
        *slot = byte as std::ffi::c_char;
    }
    out
}
