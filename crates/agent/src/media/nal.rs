//! A few facts read from an H.264 Annex-B access unit: its NAL units and their types.

/// NAL unit type of a coded slice of an IDR picture (a keyframe).
pub const NAL_IDR: u8 = 5;
/// NAL unit type of a non-IDR coded slice.
pub const NAL_SLICE: u8 = 1;
/// NAL unit type of a sequence parameter set.
pub const NAL_SPS: u8 = 7;
/// NAL unit type of a picture parameter set.
pub const NAL_PPS: u8 = 8;

/// The NAL units of an Annex-B byte stream, without their start codes.
///
/// Never panics, whatever the input: bytes before the first start code are skipped.
pub fn nal_units(annex_b: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= annex_b.len() {
        if annex_b[i] == 0 && annex_b[i + 1] == 0 && annex_b[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|&s| {
            // The next unit's start code, with a fourth leading zero if there is one.
            let mut end = s - 3;
            while end > 0 && annex_b[end - 1] == 0 {
                end -= 1;
            }
            end
        })
        .chain(std::iter::once(annex_b.len()))
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .map(move |(s, e)| &annex_b[s..e.max(s)])
        .filter(|unit| !unit.is_empty())
}

/// The `nal_unit_type` of each NAL unit, in order.
pub fn nal_types(annex_b: &[u8]) -> Vec<u8> {
    nal_units(annex_b).map(|unit| unit[0] & 0x1f).collect()
}

/// Whether the access unit holds an IDR slice (a decoder can start from it).
pub fn is_keyframe(annex_b: &[u8]) -> bool {
    nal_units(annex_b).any(|unit| unit[0] & 0x1f == NAL_IDR)
}

/// The first sequence parameter set's `profile_idc`, constraint flags and `level_idc`: `42 c0 1f`
/// for OpenH264's constrained baseline at level 3.1, which SDP negotiates as `42e01f`.
pub fn sps_profile(annex_b: &[u8]) -> Option<[u8; 3]> {
    nal_units(annex_b)
        .find(|unit| unit[0] & 0x1f == NAL_SPS && unit.len() >= 4)
        .map(|unit| [unit[1], unit[2], unit[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_three_and_four_byte_start_codes() {
        let stream = [
            0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1f, 0, 0, 1, 0x68, 0xce, 0, 0, 0, 1, 0x65, 0x88,
        ];
        assert_eq!(nal_types(&stream), vec![NAL_SPS, NAL_PPS, NAL_IDR]);
        assert!(is_keyframe(&stream));
        assert_eq!(sps_profile(&stream), Some([0x42, 0xc0, 0x1f]));
        let units: Vec<&[u8]> = nal_units(&stream).collect();
        assert_eq!(units[1], &[0x68, 0xce]);
    }

    #[test]
    fn garbage_is_harmless() {
        assert!(nal_types(&[]).is_empty());
        assert!(nal_types(&[0, 0, 1]).is_empty());
        assert!(nal_types(&[1, 2, 3, 0, 0]).is_empty());
        assert!(!is_keyframe(&[0, 0, 1, 0x41, 0, 0, 1]));
        assert_eq!(sps_profile(&[0, 0, 1, 0x67]), None);
    }
}
