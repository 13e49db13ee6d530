"""Development images for the harder styles: small radiograph overlays in several fonts,
patient lists, lab banners and chats in screenshots, badges and wristbands photographed at
an angle, a small printed face on a desk. Called by make_dev_images.py."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.privacy.images.synthetic import Labelled, photo_scene, radiograph

_FONTS = Path("/usr/share/fonts/truetype")
FONT_FILES = (
    "liberation/LiberationSans-Regular.ttf",
    "liberation/LiberationMono-Regular.ttf",
    "liberation/LiberationSansNarrow-Regular.ttf",
    "dejavu/DejaVuSansMono.ttf",
    "dejavu/DejaVuSans.ttf",
    "liberation/LiberationSans-Bold.ttf",
    "dejavu/DejaVuSansCondensed.ttf",
    "liberation/LiberationSerif-Regular.ttf",
)


def typeface(index: int, size: int) -> ImageFont.FreeTypeFont:
    path = _FONTS / FONT_FILES[index % len(FONT_FILES)]
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


def write(
    picture: Labelled,
    xy: tuple[int, int],
    words: str,
    face: ImageFont.FreeTypeFont,
    fill: int | tuple[int, int, int],
    kind: str | None = None,
) -> tuple[int, int, int, int]:
    draw = ImageDraw.Draw(picture.image)
    draw.text(xy, words, font=face, fill=fill)
    left, top, right, bottom = (int(v) for v in draw.textbbox(xy, words, font=face))
    if kind:
        picture.text.append(
            {"kind": kind, "text": words, "box": [left, top, right - left, bottom - top]}
        )
    return left, top, right, bottom


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).copy()


# Small overlays: (size, width, height, name line, id line, date line, harmless lines)
_SMALL_OVERLAYS = (
    (12, 1024, 1024, "NGUYEN, THANH H", "MRN 5531907", "03/11/2024", ("PA", "kVp 110")),
    (14, 2048, 2500, "OKONKWO^CHIDI^EMEKA", "ID 20931177", "20240611", ("AP PORTABLE",)),
    (10, 1536, 1536, "BRENNAN, KATHLEEN M", "Acc 7719023", "11-Jun-2023", ("L",)),
    (16, 1200, 1500, "WASHINGTON^DENISE", "4410982", "2024/02/29", ("SUPINE",)),
    (9, 900, 1100, "LINDQVIST, ERIK", "MRN 661209", "07/07/2022", ("R", "mAs 2.5")),
    (13, 1700, 2100, "PATEL^ANJALI^R", "ID 88123401", "05/05/2021", ("AP", "kVp 70")),
    (11, 1280, 1280, "MORALES, LUIS A", "MRN 3302198", "12/01/2023", ("PORTABLE",)),
    (15, 2000, 2000, "FITZGERALD^SEAN", "Acc# 55123987", "19990214", ("LAT", "mAs 8")),
)


def small_overlay_radiographs() -> dict[str, Labelled]:
    pictures = {}
    for index, (size, width, height, name, code, date, harmless) in enumerate(_SMALL_OVERLAYS):
        picture = Labelled(radiograph(width, height, seed=40 + index))
        face = typeface(index, size)
        fill = 200 + (index * 7) % 55
        margin = 6 + index % 4 * 4
        step = int(size * 1.35)
        name_kind = "name"
        write(picture, (margin, margin), name, face, fill, name_kind)
        code_kind = "other_id" if code.lower().startswith("acc") else "mrn"
        write(picture, (margin, margin + step), code, face, fill, code_kind)
        write(picture, (margin, margin + 2 * step), date, face, fill, "date")
        for offset, words in enumerate(harmless):
            right = width - margin - int(face.getlength(words))
            write(picture, (right, height - margin - (offset + 1) * step), words, face, fill)
        image = picture.image.filter(ImageFilter.GaussianBlur(0.4 + 0.1 * (index % 3)))
        picture.image = jpeg(image, 70 + index * 3) if index % 2 else image
        pictures[f"xray_small_{index + 1}.png"] = picture
    return pictures


def clean_small_radiographs() -> dict[str, Labelled]:
    pictures = {}
    for index, (size, width, height) in enumerate(
        ((12, 1024, 1024), (10, 1536, 1536), (15, 1200, 1500), (9, 900, 1100))
    ):
        picture = Labelled(radiograph(width, height, seed=60 + index))
        face = typeface(index + 1, size)
        write(picture, (10, 10), "AP PORTABLE" if index % 2 else "PA ERECT", face, 230)
        write(picture, (10, 10 + int(size * 1.4)), "kVp 85  mAs 3.2", face, 230)
        write(picture, (10, height - 3 * size), "W 2000 L 500", face, 230)
        write(picture, (width - 12 * size, height - 3 * size), "Se 2  Im 14", face, 230)
        draw = ImageDraw.Draw(picture.image)
        # A scale bar with its label.
        bar_x, bar_y = width - 14 * size, 12
        draw.line((bar_x, bar_y + size, bar_x + 8 * size, bar_y + size), fill=230, width=2)
        for tick in range(0, 9, 2):
            draw.line(
                (bar_x + tick * size, bar_y + size - 4, bar_x + tick * size, bar_y + size + 4),
                fill=230,
            )
        write(picture, (bar_x + 9 * size, bar_y + size // 2), "5 cm", face, 230)
        write(
            picture,
            (width - 6 * size, height // 5),
            "L" if index % 2 else "R",
            typeface(5, size * 3),
            255,
        )
        pictures[f"xray_small_clean_{index + 1}.png"] = picture
    return pictures


def clinic_list() -> Labelled:
    picture = Labelled(Image.new("RGB", (1280, 520), (255, 255, 255)))
    draw = ImageDraw.Draw(picture.image)
    draw.rectangle((0, 0, 1280, 40), fill=(33, 78, 140))
    write(picture, (16, 10), "Clinic list - Tuesday AM", typeface(0, 18), (255, 255, 255))
    head = typeface(5, 14)
    for x, title in ((20, "Time"), (110, "Patient"), (420, "Age"), (500, "Reason"), (900, "Room")):
        write(picture, (x, 60), title, head, (60, 60, 60))
    rows = (
        ("08:30", "HARTMANN, Joseph", "67", "Diabetes follow-up", "3"),
        ("08:50", "Kowalski, Piotr", "54", "Hypertension review", "3"),
        ("09:10", "ADEYEMI, Funmilayo", "38", "Thyroid results", "4"),
        ("09:30", "O'Brien, Siobhan", "71", "Heart failure", "3"),
        ("09:50", "TRAN, Minh", "45", "New referral", "5"),
        ("10:10", "Schwartz, Miriam", "82", "Falls assessment", "4"),
    )
    body = typeface(0, 14)
    for row_index, row in enumerate(rows):
        y = 96 + row_index * 30
        if row_index % 2:
            draw.rectangle((0, y - 6, 1280, y + 22), fill=(242, 245, 250))
        for column, (x, value) in enumerate(zip((20, 110, 420, 500, 900), row, strict=True)):
            write(picture, (x, y), value, body, (30, 30, 30), "name" if column == 1 else None)
    return picture


_LAB_ROWS = (
    ("Sodium", "138", "mmol/L", "135-145"),
    ("Potassium", "4.1", "mmol/L", "3.5-5.1"),
    ("Creatinine", "1.4", "mg/dL", "0.6-1.2"),
    ("Glucose", "142", "mg/dL", "70-99"),
    ("Hemoglobin", "11.2", "g/dL", "12.0-16.0"),
    ("Platelets", "212", "x10^3/uL", "150-400"),
    ("WBC", "9.8", "x10^3/uL", "4.0-11.0"),
)


def lab_table(banner: str | None, *, seed: int = 0, dark: bool = False) -> Labelled:
    background, ink = ((28, 30, 34), (225, 225, 225)) if dark else ((255, 255, 255), (25, 25, 25))
    picture = Labelled(Image.new("RGB", (1000, 120 + 28 * len(_LAB_ROWS)), background))
    draw = ImageDraw.Draw(picture.image)
    face = typeface(seed, 14)
    top = 12
    if banner:
        draw.rectangle((0, 0, 1000, 38), fill=(220, 230, 242) if not dark else (50, 60, 80))
        write(picture, (14, 11), banner, typeface(5, 15), ink, "name")
        write(picture, (560, 11), "Ward 7B   Bed 12", face, ink)
        top = 52
    for x, title in ((20, "Test"), (260, "Result"), (380, "Units"), (520, "Reference")):
        write(picture, (x, top), title, typeface(5, 14), ink)
    for index, row in enumerate(_LAB_ROWS):
        for x, value in zip((20, 260, 380, 520), row, strict=True):
            write(picture, (x, top + 30 + index * 28), value, face, ink)
    return picture


def dosing_chart(seed: int) -> Labelled:
    picture = Labelled(Image.new("RGB", (1100, 360), (255, 255, 252)))
    face = typeface(seed, 15)
    write(picture, (20, 14), "Vancomycin dosing by weight", typeface(5, 18), (20, 20, 20))
    rows = (
        ("Weight (kg)", "Loading dose", "Maintenance", "Interval"),
        ("50-59", "1250 mg", "750 mg", "q12h"),
        ("60-69", "1500 mg", "1000 mg", "q12h"),
        ("70-79", "1750 mg", "1000-1250 mg", "q12h"),
        ("80-89", "2000 mg", "1250 mg", "q8-12h"),
        ("Target trough", "15-20 mg/L", "AUC 400-600", "Check after 4th dose"),
        ("CrCl 20-49 mL/min", "500-1000 mg", "q24h", "Call pharmacy ext 4410"),
    )
    for index, row in enumerate(rows):
        for x, value in zip((20, 260, 480, 720), row, strict=True):
            write(picture, (x, 56 + index * 40), value, face, (25, 25, 25))
    return picture


def chat(lines: list[tuple[str, str | None]], *, seed: int) -> Labelled:
    picture = Labelled(Image.new("RGB", (760, 120 + 70 * len(lines)), (236, 229, 221)))
    draw = ImageDraw.Draw(picture.image)
    face = typeface(seed, 16)
    for index, (line, kind) in enumerate(lines):
        mine = index % 2 == 1
        width = int(face.getlength(line)) + 30
        x = 740 - width if mine else 20
        y = 40 + index * 70
        draw.rounded_rectangle(
            (x, y, x + width, y + 44), 12, fill=(220, 248, 198) if mine else (255, 255, 255)
        )
        write(picture, (x + 15, y + 12), line, face, (20, 20, 20), kind)
    return picture


def screenshots() -> dict[str, Labelled]:
    return {
        "clinic_list.png": clinic_list(),
        "lab_banner.png": lab_table("ABERNATHY, Lucille   F  72y", seed=1),
        "lab_banner_dark.png": lab_table("Desmond FAIRWEATHER   M  58y", seed=3, dark=True),
        "chat_phone.png": chat(
            [
                ("Can you see bed 4 before rounds?", None),
                ("Sure. His wife asked for a call", None),
                ("Her number is 555-0142", "phone"),
                ("ok will call after 10", None),
            ],
            seed=0,
        ),
        "chat_phone_2.png": chat(
            [
                ("Family meeting moved to 3 pm", None),
                ("Son said ring him on 867 5309 today", "phone"),
            ],
            seed=4,
        ),
        "lab_clean.png": lab_table(None, seed=2),
        "lab_clean_dark.png": lab_table(None, seed=6, dark=True),
        "dosing_clean.png": dosing_chart(0),
        "dosing_clean_2.png": dosing_chart(7),
        "chat_clean.png": chat(
            [
                ("Is the CT read yet?", None),
                ("Yes, no PE. Start 5 mg bd", None),
                ("K 3.2 so 40 mmol KCl over 4 h", None),
                ("Repeat at 1800 please", None),
            ],
            seed=1,
        ),
    }


def _box(value: object) -> tuple[int, int, int, int]:
    """A labelled box, stored as [left, top, width, height]."""
    left, top, width, height = cast(list[int], value)
    return (left, top, width, height)


def _card(
    size: tuple[int, int],
    lines: list[tuple[str, int, int, str | None]],
    colour: tuple[int, int, int],
    barcode: bool = False,
) -> tuple[Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """A card (badge or wristband) with lines (words, font index, size, kind)."""
    card = Labelled(Image.new("RGB", size, colour))
    y = size[1] // 8
    for words, font_index, font_size, kind in lines:
        write(card, (size[0] // 12, y), words, typeface(font_index, font_size), (20, 20, 30), kind)
        y += int(font_size * 1.5)
    if barcode:
        draw = ImageDraw.Draw(card.image)
        rng = np.random.default_rng(5)
        x = size[0] * 2 // 3
        while x < size[0] - 20:
            w = int(rng.integers(2, 7))
            draw.rectangle((x, size[1] // 5, x + w, size[1] * 4 // 5), fill=(10, 10, 10))
            x += w + int(rng.integers(2, 6))
    return card.image, [(str(t["kind"]), _box(t["box"])) for t in card.text]


def _place(
    scene: Labelled,
    card: Image.Image,
    labels: list[tuple[str, tuple[int, int, int, int]]],
    at: tuple[int, int],
    angle: float,
) -> None:
    """Paste the card rotated by `angle` degrees; label boxes are rotated with it."""
    rotated = card.convert("RGBA").rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    scene.image.paste(rotated, at, rotated)
    cx, cy = card.width / 2, card.height / 2
    rcx, rcy = rotated.width / 2, rotated.height / 2
    theta = np.deg2rad(angle)
    for kind, (x, y, w, h) in labels:
        corners = np.array([(x, y), (x + w, y), (x, y + h), (x + w, y + h)], dtype=float)
        dx, dy = corners[:, 0] - cx, corners[:, 1] - cy
        rx = dx * np.cos(theta) + dy * np.sin(theta) + rcx + at[0]
        ry = -dx * np.sin(theta) + dy * np.cos(theta) + rcy + at[1]
        left, top = int(rx.min()), int(ry.min())
        scene.text.append(
            {
                "kind": kind,
                "text": "",
                "box": [left, top, int(rx.max()) - left, int(ry.max()) - top],
            }
        )


def photos() -> dict[str, Labelled]:
    pictures = {}
    badge = Labelled(photo_scene(1600, 1200, seed=70))
    card, labels = _card(
        (520, 320),
        [
            ("ST ANNE'S HOSPITAL", 5, 22, None),
            ("MARCUS BELLAMY", 5, 34, "name"),
            ("Registered Nurse", 0, 22, None),
        ],
        (250, 250, 250),
    )
    _place(badge, card, labels, (520, 420), 4)
    badge.image = jpeg(badge.image.filter(ImageFilter.GaussianBlur(0.8)), 75)
    pictures["badge.jpg"] = badge

    badge2 = Labelled(photo_scene(1400, 1000, seed=71))
    card, labels = _card(
        (420, 260),
        [("VISITOR", 5, 20, None), ("PRIYA RAGHAVAN", 6, 28, "name"), ("Pharmacy", 0, 20, None)],
        (235, 240, 250),
    )
    _place(badge2, card, labels, (400, 380), -3)
    badge2.image = jpeg(badge2.image.filter(ImageFilter.GaussianBlur(0.6)), 80)
    pictures["badge_2.jpg"] = badge2

    band = Labelled(photo_scene(1600, 1200, seed=72))
    card, labels = _card(
        (900, 170),
        [("KEARNEY, Ruth", 5, 30, "name"), ("4471902", 1, 28, "mrn")],
        (245, 245, 238),
        barcode=True,
    )
    _place(band, card, labels, (300, 500), -2.5)
    band.image = jpeg(band.image.filter(ImageFilter.GaussianBlur(0.7)), 78)
    pictures["wristband_2.jpg"] = band

    clean_card = Labelled(photo_scene(1600, 1200, seed=73))
    card, labels = _card(
        (560, 300),
        [("WET FLOOR", 5, 40, None), ("CLEANING IN PROGRESS", 0, 26, None)],
        (250, 220, 40),
    )
    _place(clean_card, card, labels, (500, 450), 3)
    clean_card.image = jpeg(clean_card.image, 80)
    pictures["sign_clean_2.jpg"] = clean_card
    return pictures


def _curve(
    card: Image.Image, labels: list[tuple[str, tuple[int, int, int, int]]], depth: int
) -> tuple[Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """Bend a card as a band around a wrist: each column drops by `depth` pixels times the
    square of its distance from the middle (as a fraction of half the width); label boxes
    grow to cover the bend under them."""
    pixels = np.asarray(card.convert("RGB"))
    height, width = pixels.shape[:2]
    drops = [round(depth * ((x - width / 2) / (width / 2)) ** 2) for x in range(width)]
    bent = np.full((height + depth, width, 3), 0, dtype=np.uint8)
    alpha = np.zeros((height + depth, width), dtype=np.uint8)
    for x, drop in enumerate(drops):
        bent[drop : drop + height, x] = pixels[:, x]
        alpha[drop : drop + height, x] = 255
    image = Image.fromarray(bent).convert("RGBA")
    image.putalpha(Image.fromarray(alpha))
    moved = []
    for kind, (x, y, w, h) in labels:
        under = drops[max(0, x) : min(width, x + w)] or [0]
        moved.append((kind, (x, y + min(under), w, h + max(under) - min(under))))
    return image, moved


def curved_wristbands() -> dict[str, Labelled]:
    """Wristbands photographed around a wrist: the band curves, and the photo is taken at
    an angle of 5 to 7 degrees; a name (`LAST, First` or `LAST, FIRST`) and a bare
    seven-digit number."""
    pictures = {}
    bands: tuple[tuple[str, list[tuple[str, int, int, str | None]], int, float, int], ...] = (
        (
            "wristband_curved.jpg",
            [("OKAFOR, Grace", 5, 30, "name"), ("5520417", 1, 28, "mrn")],
            26,
            6.0,
            74,
        ),
        (
            "wristband_curved_2.jpg",
            [("LINDGREN, MARTA E", 0, 28, "name"), ("8830164", 3, 26, "mrn")],
            34,
            -7.0,
            75,
        ),
    )
    for name, lines, depth, angle, seed in bands:
        scene = Labelled(photo_scene(1600, 1200, seed=seed))
        card, labels = _card((880, 160), lines, (246, 244, 236), barcode=True)
        bent, labels = _curve(card, labels, depth)
        _place(scene, bent, labels, (330, 480), angle)
        scene.image = jpeg(scene.image.filter(ImageFilter.GaussianBlur(0.7)), 80)
        pictures[name] = scene
    return pictures


def desk(width: int, height: int, seed: int) -> Image.Image:
    """A wooden desk top: brown with grain."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    grain = np.sin(ys / 7.0 + 3 * np.sin(xs / 90.0)) * 12 + rng.normal(0, 5, (height, width))
    rgb = np.stack([140 + grain, 95 + grain * 0.8, 60 + grain * 0.5], axis=-1)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def small_faces(dev: Path) -> dict[str, Labelled]:
    """Faces from the development photos, printed small and lying on a desk."""
    pictures = {}
    # (photo, its labelled face box, face width wanted in pixels)
    sources = (
        ("basketball.jpg", (508, 45, 70, 90), 58, (1000, 750), False),
        ("messi.jpg", (224, 88, 40, 44), 55, (1100, 750), False),
        ("basketball.jpg", (68, 85, 48, 50), 48, (1200, 750), True),
        # Large photos: the face a fortieth to a fiftieth of the longer side.
        ("../astronaut-face.jpg", (87, 32, 51, 55), 60, (2400, 1800), False),
        ("messi.jpg", (224, 88, 40, 44), 62, (3000, 2250), False),
        ("../astronaut-face.jpg", (87, 32, 51, 55), 54, (2400, 1800), True),
    )
    for index, (name, (x, y, w, h), face_width, size, grey) in enumerate(sources):
        scene = Labelled(desk(*size, seed=80 + index))
        source = Image.open(dev / name).convert("L" if grey else "RGB").convert("RGB")
        margin_x, margin_y = int(w * 0.5), int(h * 0.4)
        left, top = max(0, x - margin_x), max(0, y - margin_y)
        crop = source.crop((left, top, x + w + margin_x, y + h + margin_y + h // 2))
        scale = face_width / w
        printed = crop.resize(
            (int(crop.width * scale), int(crop.height * scale)), Image.Resampling.LANCZOS
        )
        framed = Image.new("RGB", (printed.width + 16, printed.height + 16), (250, 250, 250))
        framed.paste(printed, (8, 8))
        at = (300 + index * 120, 250 + index * 40) if index < 3 else (size[0] // 2, size[1] // 3)
        scene.image.paste(framed, at)
        scene.faces.append(
            [
                at[0] + 8 + int((x - left) * scale),
                at[1] + 8 + int((y - top) * scale),
                int(w * scale),
                int(h * scale),
            ]
        )
        scene.image = jpeg(scene.image, 85)
        pictures[f"small_face_{index + 1}.jpg"] = scene
    return pictures


def _arm(scene: Image.Image, top: int, thickness: int, tilt: float, seed: int) -> None:
    """A forearm across the photo: a skin-toned band with shading across it and a little
    texture, `thickness` pixels thick, its upper edge at `top`, rising by `tilt` pixels
    per pixel across."""
    rng = np.random.default_rng(seed)
    width, height = scene.size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    upper = top - tilt * xs
    across = (ys - upper) / thickness
    inside = (across >= 0) & (across <= 1)
    tone = np.array(((224, 172, 140), (198, 144, 108), (141, 96, 66))[seed % 3], np.float32)
    shade = 0.75 + 0.3 * np.sin(np.clip(across, 0, 1) * np.pi)
    small = rng.normal(0, 4, size=(height // 6 + 1, width // 6 + 1, 1)).astype(np.float32)
    texture = np.kron(small, np.ones((6, 6, 1), dtype=np.float32))[:height, :width]
    skin = tone * shade[..., None] + texture
    pixels = np.asarray(scene, dtype=np.float32)
    pixels = np.where(inside[..., None], skin, pixels)
    scene.paste(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB"))


def small_wristbands() -> dict[str, Labelled]:
    """Wristbands on an arm, photographed from further away: `LAST, FIRST` in capitals and
    a bare seven-digit number in letters 11 to 15 pixels tall, on a white or coloured band,
    slightly slanted, blurred and saved as JPEG, in photos 800 to 2,000 pixels wide."""
    pictures = {}
    # (name, photo size, band colour, name line, number, font, letter size, slant, seed)
    bands = (
        (
            "wristband_small_1.jpg",
            (1600, 1200),
            (248, 248, 244),
            "HALVORSEN, INGRID",
            "6610384",
            5,
            14,
            1.5,
            90,
        ),
        (
            "wristband_small_2.jpg",
            (2000, 1500),
            (250, 250, 250),
            "MCALLISTER, DEREK",
            "3047719",
            2,
            13,
            -2.5,
            91,
        ),
        (
            "wristband_small_3.jpg",
            (1200, 900),
            (252, 236, 150),
            "OYELARAN, TUNDE",
            "9152208",
            5,
            12,
            3.0,
            92,
        ),
        (
            "wristband_small_4.jpg",
            (1800, 1350),
            (214, 232, 250),
            "DUBROVSKY, ALINA",
            "7281045",
            2,
            14,
            -1.0,
            93,
        ),
        (
            "wristband_small_5.jpg",
            (900, 700),
            (246, 246, 240),
            "PRZYBYLSKI, JAN",
            "5093371",
            0,
            11,
            2.0,
            94,
        ),
    )
    for name, size, colour, person, number, font, letters, slant, seed in bands:
        width, height = size
        scene = Labelled(photo_scene(width, height, seed=seed))
        arm_top = int(height * 0.42)
        arm = int(height * 0.2)
        _arm(scene.image, arm_top, arm, 0.0, seed)
        points = round(letters / 0.72)  # capitals are about 0.72 of the type size
        face = typeface(font, points)
        line_width = int(face.getlength(person))
        card_w, card_h = line_width * 3, int(letters * 5)
        card, labels = _card(
            (card_w, card_h),
            [(person, font, points, "name"), (number, font, points, "mrn")],
            colour,
            barcode=True,
        )
        _place(
            scene, card, labels, (width // 2 - card_w // 2, arm_top + arm // 2 - card_h // 2), slant
        )
        blurred = scene.image.filter(ImageFilter.GaussianBlur(0.5 + 0.1 * (seed % 3)))
        scene.image = jpeg(blurred, 72 + seed % 4 * 4)
        pictures[name] = scene
    return pictures
