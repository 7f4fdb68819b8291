//! 民情 photos: uploaded as a plain multipart form (works without WASM), checked by
//! their bytes rather than their name, decoded, shrunk to at most 1280 px and stored
//! as JPEG; served only to those who may see the item.
use app::error::AppError;
use app::state::AppState;
use app::RequestViewer;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

/// The largest upload accepted (a phone photo), before resizing.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;
/// The longest side kept.
const MAX_SIDE: u32 = 1280;

/// The image type the bytes really are, if it is one we take.
pub fn sniff(bytes: &[u8]) -> Option<image::ImageFormat> {
    match image::guess_format(bytes).ok()? {
        f @ (image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP) => Some(f),
        _ => None,
    }
}

/// Decodes, shrinks and re-encodes a photo as JPEG (dropping any metadata, such as the
/// GPS position of a phone photo). Returns the bytes and the new size.
pub fn shrink(bytes: &[u8]) -> Option<(Vec<u8>, (u32, u32))> {
    let format = sniff(bytes)?;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    rgb.write_with_encoder(encoder).ok()?;
    Some((out, (rgb.width(), rgb.height())))
}

fn refuse(err: AppError, viewer: &app::session::Viewer) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let msg = err.field_msg("photo").unwrap_or(err.msg());
    (status, [(header::CACHE_CONTROL, "no-store")], msg.text(viewer.locale)).into_response()
}

/// An item or photo id from the path: anything but a number (text, a number past i64,
/// bytes that are not UTF-8) names nothing.
pub fn path_id(id: Result<Path<String>, PathRejection>) -> Result<i64, AppError> {
    id.ok().and_then(|Path(id)| id.parse::<i64>().ok()).ok_or(AppError::NotFound)
}

/// `POST /sentiment/{id}/photos`: one file in the field `photo`; back to the item.
pub async fn upload(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    Extension(RequestViewer(viewer)): Extension<RequestViewer>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(user) = viewer.user.clone() else { return refuse(AppError::Unauthorized, &viewer) };
    let id = match path_id(id) {
        Ok(id) => id,
        Err(err) => return refuse(err, &viewer),
    };
    // Refuse before reading and decoding anything: decoding is the expensive part.
    if let Err(err) = app::server_fns::sentiment::may_add_photo(&state, &user, id).await {
        return refuse(err, &viewer);
    }
    // Not a multipart form (no boundary, another content type): not a photo.
    let Ok(mut form) = form else {
        return refuse(AppError::field("photo", app::i18n::Msg::ErrPhotoType), &viewer);
    };
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("photo") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(_) => return refuse(AppError::field("photo", app::i18n::Msg::ErrPhotoSize), &viewer),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return refuse(AppError::field("photo", app::i18n::Msg::ErrPhotoSize), &viewer),
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return refuse(AppError::field("photo", app::i18n::Msg::ErrPhotoType), &viewer);
    };
    if bytes.len() > MAX_UPLOAD {
        return refuse(AppError::field("photo", app::i18n::Msg::ErrPhotoSize), &viewer);
    }
    if sniff(&bytes).is_none() {
        return refuse(AppError::field("photo", app::i18n::Msg::ErrPhotoType), &viewer);
    }
    let shrunk = tokio::task::spawn_blocking(move || shrink(&bytes)).await.ok().flatten();
    let Some((jpeg, size)) = shrunk else {
        return refuse(AppError::field("photo", app::i18n::Msg::ErrPhotoType), &viewer);
    };
    match app::server_fns::sentiment::add_photo(&state, &user, id, "image/jpeg", size, &jpeg).await {
        Ok(_) => Redirect::to(&format!("/sentiment/{id}")).into_response(),
        Err(err) => refuse(err, &viewer),
    }
}

/// `GET /sentiment/photos/{id}`.
pub async fn show(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    viewer: Option<Extension<RequestViewer>>,
) -> Response {
    // The viewer is not resolved for a last path segment with a dot (a static file's
    // name), and no photo id has one.
    let Some(Extension(RequestViewer(viewer))) = viewer else {
        return refuse(AppError::NotFound, &Default::default());
    };
    let Some(user) = viewer.user.clone() else { return refuse(AppError::Unauthorized, &viewer) };
    let id = match path_id(id) {
        Ok(id) => id,
        Err(err) => return refuse(err, &viewer),
    };
    match app::server_fns::sentiment::photo_for(&state, &user, id).await {
        Ok((mime, bytes)) => {
            ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, max-age=86400".to_string())], bytes)
                .into_response()
        }
        Err(err) => refuse(err, &viewer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).expect("png");
        out.into_inner()
    }

    #[test]
    fn photos_are_shrunk_to_1280_and_stored_as_jpeg() {
        let (jpeg, size) = shrink(&png(2000, 1000)).expect("decodes");
        assert_eq!(size, (1280, 640));
        assert_eq!(sniff(&jpeg), Some(image::ImageFormat::Jpeg));
        let (_, small) = shrink(&png(300, 200)).expect("decodes");
        assert_eq!(small, (300, 200));
    }

    #[test]
    fn files_that_are_not_images_are_refused_whatever_their_name() {
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert_eq!(sniff(b"GIF89a......"), None);
        assert!(shrink(b"\x89PNG\r\n\x1a\nbroken").is_none());
    }
}
