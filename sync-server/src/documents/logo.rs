//! An office's logo (PNG or JPEG, as uploaded) as RGB pixels for the printed sheet: transparency laid on
//! white (paper has none), and a large picture reduced by averaging so the PDF stays small.

use std::io::Cursor;

/// RGB pixels, row by row.
pub struct Pixels {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

/// Pixels are enough for about 25 mm at 600 dpi.
const MAX_SIDE: usize = 600;

/// The picture, or `None` when it cannot be read (the sheet is then printed without it).
pub fn decode(bytes: &[u8], mime: &str) -> Option<Pixels> {
    let full = match mime {
        "image/png" => png(bytes)?,
        "image/jpeg" => jpeg(bytes)?,
        _ => return None,
    };
    Some(shrink(full))
}

fn png(bytes: &[u8]) -> Option<Pixels> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    let (width, height) = (info.width as usize, info.height as usize);
    let on_white = |v: u8, alpha: u8| ((u16::from(v) * u16::from(alpha) + 255 * (255 - u16::from(alpha))) / 255) as u8;
    let rgb: Vec<u8> = match info.color_type {
        png::ColorType::Grayscale => buf[..width * height].iter().flat_map(|&g| [g, g, g]).collect(),
        png::ColorType::GrayscaleAlpha => {
            buf[..width * height * 2].chunks(2).flat_map(|p| [on_white(p[0], p[1]); 3]).collect()
        }
        png::ColorType::Rgb => buf[..width * height * 3].to_vec(),
        png::ColorType::Rgba => buf[..width * height * 4]
            .chunks(4)
            .flat_map(|p| [on_white(p[0], p[3]), on_white(p[1], p[3]), on_white(p[2], p[3])])
            .collect(),
        png::ColorType::Indexed => return None,
    };
    Some(Pixels { width, height, rgb })
}

fn jpeg(bytes: &[u8]) -> Option<Pixels> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(bytes), options);
    let rgb = decoder.decode().ok()?;
    let (width, height) = decoder.dimensions()?;
    (rgb.len() == width * height * 3).then_some(Pixels { width, height, rgb })
}

/// Reduces the picture by a whole factor (each new pixel the average of a square of old ones) until its
/// longer side is at most [`MAX_SIDE`].
fn shrink(p: Pixels) -> Pixels {
    let factor = p.width.max(p.height).div_ceil(MAX_SIDE).max(1);
    if factor == 1 {
        return p;
    }
    let (width, height) = (p.width / factor, p.height / factor);
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            for c in 0..3 {
                let mut sum = 0usize;
                for dy in 0..factor {
                    for dx in 0..factor {
                        sum += usize::from(p.rgb[((y * factor + dy) * p.width + x * factor + dx) * 3 + c]);
                    }
                }
                rgb.push((sum / (factor * factor)) as u8);
            }
        }
    }
    Pixels { width, height, rgb }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().unwrap().write_image_data(data).unwrap();
        out
    }

    #[test]
    fn transparency_is_laid_on_white_and_large_pictures_shrink() {
        // One opaque red pixel, one fully transparent: red and white.
        let bytes = png_bytes(2, 1, png::ColorType::Rgba, &[255, 0, 0, 255, 0, 0, 0, 0]);
        let p = decode(&bytes, "image/png").unwrap();
        assert_eq!((p.width, p.height, p.rgb), (2, 1, vec![255, 0, 0, 255, 255, 255]));
        let big = png_bytes(1300, 20, png::ColorType::Rgb, &vec![100; 1300 * 20 * 3]);
        let p = decode(&big, "image/png").unwrap();
        assert_eq!((p.width, p.height), (433, 6));
        assert!(p.rgb.iter().all(|&v| v == 100));
        assert!(decode(b"not a picture", "image/png").is_none());
        assert!(decode(b"not a picture", "image/jpeg").is_none());
    }

    #[test]
    fn a_jpeg_logo_is_read_as_its_colours() {
        let mut bytes = Vec::new();
        let pixels: Vec<u8> = (0..16 * 8).flat_map(|_| [200u8, 30, 30]).collect();
        jpeg_encoder::Encoder::new(&mut bytes, 95).encode(&pixels, 16, 8, jpeg_encoder::ColorType::Rgb).unwrap();
        let p = decode(&bytes, "image/jpeg").unwrap();
        assert_eq!((p.width, p.height, p.rgb.len()), (16, 8, 16 * 8 * 3));
        // JPEG is lossy: close to the red it was made of.
        assert!(p.rgb.chunks(3).all(|c| c[0] > 180 && c[1] < 60 && c[2] < 60), "{:?}", &p.rgb[..6]);
    }
}
