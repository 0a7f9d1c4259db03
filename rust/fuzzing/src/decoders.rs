//! The byte formats read from the network, each on its own.

use smp_protocol::control::Control;
use smp_protocol::header::{self, Parsed};
use smp_transport::local::codec;

/// A message's header: a data header says where its payload starts, inside the message.
pub fn header(data: &[u8]) {
    if let Ok(Parsed::Data { payload_offset, .. }) = header::parse(data) {
        assert!(payload_offset <= data.len());
    }
}

/// A control message: what decodes encodes back to the same message.
pub fn control(data: &[u8]) {
    if let Ok(control) = Control::decode(data) {
        assert_eq!(Control::decode(control.encode().as_slice()), Ok(control));
    }
}

/// A local-mode TCP stream, read frame after frame as the wire reads it.
pub fn local_stream(data: &[u8]) {
    let mut rest = data;
    while let Ok(Some((_, used))) = codec::decode(rest) {
        assert!(
            used > 0 && used <= rest.len(),
            "a frame takes its own bytes"
        );
        rest = &rest[used..];
    }
}
