//! Photos of 民情 items and of activities' 纪要: uploaded as a plain multipart form (works
//! without WASM), checked by their bytes rather than their name, decoded, shrunk to at most
//! 1280 px and stored as JPEG; served only to those who may see what they belong to.
use app::error::AppError;
use app::state::AppState;
use app::RequestViewer;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::PathRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
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

/// The most pixels decoded: a 24-megapixel photo (a phone's normal mode takes 12). The
/// file size says nothing about this: a 79 KB PNG can hold 9000 × 9000 pixels, which took
/// about 420 MB to decode and convert.
pub const MAX_PIXELS: u64 = 24_000_000;
/// Photos decoded at once; the others wait their turn (each may need ~150 MB).
const DECODES_AT_ONCE: usize = 2;
static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(DECODES_AT_ONCE);
/// Uploads per account in ten minutes (three photos on each of several items).
const UPLOADS_PER_ACCOUNT: usize = 15;

/// Why a photo was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoRefusal {
    /// Not a JPEG, PNG or WebP, or not decodable.
    NotAnImage,
    /// More than [`MAX_PIXELS`], judged from the header before anything is decoded.
    TooManyPixels,
}

/// Decodes, shrinks and re-encodes a photo as JPEG (dropping any metadata, such as the
/// GPS position of a phone photo). Returns the bytes and the new size.
pub fn shrink(bytes: &[u8]) -> Result<(Vec<u8>, (u32, u32)), PhotoRefusal> {
    let format = sniff(bytes).ok_or(PhotoRefusal::NotAnImage)?;
    let reader = || image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (w, h) = reader().into_dimensions().map_err(|_| PhotoRefusal::NotAnImage)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoRefusal::TooManyPixels);
    }
    let mut reader = reader();
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    // RGBA8 of the largest accepted photo, with room for the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 + 16 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| PhotoRefusal::NotAnImage)?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    rgb.write_with_encoder(encoder).map_err(|_| PhotoRefusal::NotAnImage)?;
    Ok((out, (rgb.width(), rgb.height())))
}

fn refuse(err: AppError, viewer: &app::session::Viewer) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let msg = err.field_msg("photo").unwrap_or(err.msg());
    (status, [(header::CACHE_CONTROL, "no-store")], msg.text(viewer.locale)).into_response()
}

/// An id from the path (an item's, a photo's, an election's): anything but a number (text,
/// a number past i64, bytes that are not UTF-8) names nothing.
pub fn path_id<T: std::str::FromStr>(id: Result<Path<String>, PathRejection>) -> Result<T, AppError> {
    id.ok().and_then(|Path(id)| id.parse::<T>().ok()).ok_or(AppError::NotFound)
}

/// What photos belong to. Each says who may add and see them; the checks, the shrinking and
/// the answers are the same for both.
#[derive(Debug, Clone, Copy)]
pub enum Album {
    /// A 民情 item's (`/sentiment/{id}/photos`).
    Item,
    /// An activity occurrence's 纪要 (`/activities/{id}/photos`).
    Record,
}

impl Album {
    /// The most photos one form may send: as many as the album holds.
    pub fn most(self) -> usize {
        match self {
            Album::Item => app::server_fns::sentiment::MAX_PHOTOS as usize,
            Album::Record => app::domain::activity::RECORD_PHOTOS as usize,
        }
    }

    /// What a form with more than that is told.
    fn full(self) -> app::i18n::Msg {
        match self {
            Album::Item => app::i18n::Msg::ErrPhotoCount,
            Album::Record => app::i18n::Msg::ErrRecordPhotoCount,
        }
    }

    /// The page an upload goes back to, with the refusal's reason when there is one.
    fn page(self, id: i64, refusal: Option<app::i18n::Msg>) -> String {
        let query = refusal.map(|m| format!("?photo_error={}", m.name())).unwrap_or_default();
        match self {
            Album::Item => format!("/sentiment/{id}{query}"),
            Album::Record => format!("/activities/{id}{query}#record"),
        }
    }

    async fn may_add(self, state: &AppState, user: &app::session::SessionUser, id: i64) -> Result<(), AppError> {
        match self {
            Album::Item => app::server_fns::sentiment::may_add_photo(state, user, id).await,
            Album::Record => app::server_fns::activities::may_add_record_photo(state, user, id).await,
        }
    }

    async fn add(
        self,
        state: &AppState,
        user: &app::session::SessionUser,
        id: i64,
        size: (u32, u32),
        jpeg: &[u8],
    ) -> Result<i64, AppError> {
        match self {
            Album::Item => app::server_fns::sentiment::add_photo(state, user, id, "image/jpeg", size, jpeg).await,
            Album::Record => {
                app::server_fns::activities::add_record_photo(state, user, id, "image/jpeg", size, jpeg).await
            }
        }
    }

    async fn photo(
        self,
        state: &AppState,
        user: &app::session::SessionUser,
        photo: i64,
    ) -> Result<(String, Vec<u8>), AppError> {
        match self {
            Album::Item => app::server_fns::sentiment::photo_for(state, user, photo).await,
            Album::Record => app::server_fns::activities::record_photo_for(state, user, photo).await,
        }
    }
}

/// `POST /sentiment/{id}/photos` and `POST /activities/{id}/photos`: files in fields named
/// `photo`, as many as the album holds (the item page sends one, the 记录民情 form what was picked there);
/// back to the page. A browser is sent back to the page for a refusal too, with the reason
/// shown beside the picker (`?photo_error=`), instead of a bare text page; other clients
/// get the status and the message. Photos before a refused one are kept.
async fn upload(
    album: Album,
    state: AppState,
    id: Result<Path<String>, PathRejection>,
    viewer: app::session::Viewer,
    headers: axum::http::HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let browser = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let id = match path_id(id) {
        Ok(id) => id,
        Err(err) => return refuse(err, &viewer),
    };
    match store(album, &state, &viewer, id, form).await {
        Ok(()) => Redirect::to(&album.page(id, None)).into_response(),
        Err(err) if browser => {
            Redirect::to(&album.page(id, Some(err.field_msg("photo").unwrap_or(err.msg())))).into_response()
        }
        Err(err) => refuse(err, &viewer),
    }
}

/// An album's upload route, which takes a body of the photos one form may send.
pub fn upload_route<S: Clone + Send + Sync + 'static>(album: Album, state: &AppState) -> MethodRouter<S> {
    axum::routing::post(
        move |State(state): State<AppState>,
              id: Result<Path<String>, PathRejection>,
              Extension(RequestViewer(viewer)): Extension<RequestViewer>,
              headers: axum::http::HeaderMap,
              form: Result<Multipart, MultipartRejection>| upload(album, state, id, viewer, headers, form),
    )
    .layer(axum::extract::DefaultBodyLimit::max(album.most() * MAX_UPLOAD + 64 * 1024))
    .with_state(state.clone())
}

/// An album's route that shows one photo.
pub fn show_route<S: Clone + Send + Sync + 'static>(album: Album, state: &AppState) -> MethodRouter<S> {
    axum::routing::get(
        move |State(state): State<AppState>,
              id: Result<Path<String>, PathRejection>,
              viewer: Option<Extension<RequestViewer>>| show(album, state, id, viewer),
    )
    .with_state(state.clone())
}

/// Checks, shrinks and stores each photo of the form in turn.
async fn store(
    album: Album,
    state: &AppState,
    viewer: &app::session::Viewer,
    id: i64,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(), AppError> {
    use app::i18n::Msg;
    let photo_err = |msg: Msg| AppError::field("photo", msg);
    let user = viewer.user.clone().ok_or(AppError::Unauthorized)?;
    // Refuse before reading and decoding anything: decoding is the expensive part.
    album.may_add(state, &user, id).await?;
    let key = format!("photo:acct:{}", user.account_id);
    if !state.limiter.check(&key, UPLOADS_PER_ACCOUNT, std::time::Duration::from_secs(600)) {
        return Err(AppError::RateLimited);
    }
    // Not a multipart form (no boundary, another content type): not a photo.
    let mut form = form.map_err(|_| photo_err(Msg::ErrPhotoType))?;
    let mut files = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("photo") => {
                // A picker left empty sends a field with no bytes: nothing to store.
                let bytes = field.bytes().await.map_err(|_| photo_err(Msg::ErrPhotoSize))?;
                if !bytes.is_empty() {
                    if files.len() == album.most() {
                        return Err(photo_err(album.full()));
                    }
                    files.push(bytes);
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Err(photo_err(Msg::ErrPhotoSize)),
        }
    }
    if files.is_empty() {
        return Err(photo_err(Msg::ErrPhotoType));
    }
    for bytes in files {
        if bytes.len() > MAX_UPLOAD {
            return Err(photo_err(Msg::ErrPhotoSize));
        }
        if sniff(&bytes).is_none() {
            return Err(photo_err(Msg::ErrPhotoType));
        }
        let _turn = DECODES.acquire().await.map_err(|_| AppError::Internal)?;
        let shrunk = tokio::task::spawn_blocking(move || shrink(&bytes)).await.unwrap_or(Err(PhotoRefusal::NotAnImage));
        let (jpeg, size) = match shrunk {
            Ok(done) => done,
            Err(PhotoRefusal::TooManyPixels) => return Err(photo_err(Msg::ErrPhotoPixels)),
            Err(PhotoRefusal::NotAnImage) => return Err(photo_err(Msg::ErrPhotoType)),
        };
        album.add(state, &user, id, size, &jpeg).await?;
    }
    Ok(())
}

/// `GET /sentiment/photos/{id}` and `GET /activities/photos/{id}`.
async fn show(
    album: Album,
    state: AppState,
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
    match album.photo(&state, &user, id).await {
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
        assert_eq!(shrink(b"\x89PNG\r\n\x1a\nbroken"), Err(PhotoRefusal::NotAnImage));
    }

    /// Peak resident memory of this process so far (Linux), in KiB.
    fn peak_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    #[test]
    fn a_small_file_of_too_many_pixels_is_refused_before_it_is_decoded() {
        let bomb = include_bytes!("../tests/fixtures/bomb-9000x9000.png");
        assert!(bomb.len() < 100 * 1024, "a small file: {} bytes", bomb.len());
        let before = peak_kib();
        assert_eq!(shrink(bomb), Err(PhotoRefusal::TooManyPixels));
        let grown = peak_kib().saturating_sub(before);
        eprintln!("9000 × 9000 PNG of {} bytes refused; peak RSS grew {grown} KiB", bomb.len());
        assert!(grown < 16 * 1024, "peak RSS grew {grown} KiB");
    }
}
