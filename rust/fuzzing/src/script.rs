//! Reading fuzz input as a script: small choices (which connection, which event) and byte
//! strings, so that the mutations libFuzzer makes turn into different event sequences.

use std::time::{Duration, Instant};

use arbitrary::Unstructured;

/// The longest script run: enough for handshakes, floods and teardown, short enough that every
/// input runs in milliseconds.
pub const MAX_STEPS: usize = 256;

/// A fuzz input being read.
pub struct Script<'a> {
    input: Unstructured<'a>,
    steps: usize,
    /// The script's clock: it only moves when the script says so.
    pub now: Instant,
}

impl<'a> Script<'a> {
    /// The script in `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Script {
            input: Unstructured::new(data),
            steps: 0,
            now: Instant::now(),
        }
    }

    /// The next step's kind, below `kinds`; `None` when the script has ended.
    pub fn next_step(&mut self, kinds: u8) -> Option<u8> {
        if self.input.is_empty() || self.steps == MAX_STEPS {
            return None;
        }
        self.steps += 1;
        Some(self.pick(kinds))
    }

    /// A number below `count` (0 when the input has run out).
    pub fn pick(&mut self, count: u8) -> u8 {
        self.input.int_in_range(0..=count - 1).unwrap_or(0)
    }

    /// Any 32-bit number.
    pub fn int(&mut self) -> i32 {
        self.input.arbitrary().unwrap_or(0)
    }

    /// A byte string of at most `max` bytes.
    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.input.arbitrary_len::<u8>().unwrap_or(0).min(max);
        self.input.bytes(len).unwrap_or(&[]).to_vec()
    }

    /// Moves the clock on by up to about 16 seconds, past every timeout the code under test has.
    pub fn advance(&mut self) {
        let millis: u16 = self.input.arbitrary().unwrap_or(0);
        self.now += Duration::from_millis(u64::from(millis) / 4);
    }
}
