//! The decode stage: bytes as they come off the web to UTF-8 text.
//!
//! UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they say;
//! anything else is guessed by chardetng from the first 64 KB and decoded by
//! encoding_rs (GB18030 covers GBK and GB2312).

use encoding_rs::Encoding;

/// Why a file's bytes are not a report.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("binary file (NUL bytes), not text")]
    Binary,
    #[error("unknown encoding `{0}`")]
    UnknownEncoding(String),
}

/// Decoded text and the encoding it was read as.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decode `bytes`, guessing the encoding unless `forced` names one.
pub fn decode(bytes: &[u8], forced: Option<&str>) -> Result<Decoded, DecodeError> {
    if let Some(name) = forced {
        let enc = Encoding::for_label(name.as_bytes())
            .ok_or_else(|| DecodeError::UnknownEncoding(name.to_string()))?;
        let (text, _, _) = enc.decode(bytes);
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
        });
    }
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_with_bom_removal(bytes);
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
        });
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if memchr::memchr(0, head).is_some() {
        return Err(DecodeError::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(head, head.len() == bytes.len());
    let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_gbk_and_bom() {
        assert_eq!(decode("增长5%".as_bytes(), None).unwrap().text, "增长5%");
        let (gbk, _, _) = encoding_rs::GBK.encode("地区生产总值增长5%，规模以上工业增加值增长6%。");
        let d = decode(&gbk, None).unwrap();
        assert_eq!(d.text, "地区生产总值增长5%，规模以上工业增加值增长6%。");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("一、".as_bytes());
        assert_eq!(decode(&bom, None).unwrap().text, "一、");
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(
            decode(b"PNG\0\0\x01", None).unwrap_err(),
            DecodeError::Binary
        );
    }
}
