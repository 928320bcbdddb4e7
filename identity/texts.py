"""Messages for identity error keys, in English and Chinese; each says what to do next."""

from __future__ import annotations

from typing import Literal

__all__ = ["MESSAGES", "message"]

Language = Literal["en", "zh"]

MESSAGES: dict[str, dict[Language, str]] = {
    # Resident ID (GB 11643-1999)
    "id_length": {
        "en": "An ID number has 18 characters. Please check it and type it again.",
        "zh": "身份证号码应为18位，请核对后重新输入。",
    },
    "id_format": {
        "en": "An ID number is 17 digits followed by a digit or X. Please type it again.",
        "zh": "身份证号码由17位数字和最后一位数字或X组成，请重新输入。",
    },
    "id_region": {
        "en": "The first digits of this ID number are not a region code. Please check it.",
        "zh": "身份证号码前几位不是有效的地区代码，请核对。",
    },
    "id_birth_date": {
        "en": "The birth date in this ID number is not a real date. Please check it.",
        "zh": "身份证号码中的出生日期无效，请核对。",
    },
    "id_checksum": {
        "en": "This ID number has a typing mistake (the last character does not fit). "
        "Please compare it with your ID card.",
        "zh": "身份证号码校验位不符，可能输入有误，请对照身份证重新输入。",
    },
    # Unified Social Credit Code (GB 32100-2015)
    "credit_code_length": {
        "en": "A unified social credit code has 18 characters. Please type it again.",
        "zh": "统一社会信用代码应为18位，请重新输入。",
    },
    "credit_code_format": {
        "en": "A unified social credit code uses digits and capital letters except I, O, S, V "
        "and Z. Please check it.",
        "zh": "统一社会信用代码只含数字和除I、O、S、V、Z以外的大写字母，请核对。",
    },
    "credit_code_checksum": {
        "en": "This credit code has a typing mistake (the last character does not fit). "
        "Please compare it with the business licence.",
        "zh": "统一社会信用代码校验位不符，请对照营业执照重新输入。",
    },
    # Face photos
    "no_face": {
        "en": "No face was found in the photo. Face the camera in good light and try again.",
        "zh": "照片中未检测到人脸，请在光线充足处正对镜头重新拍摄。",
    },
    "several_faces": {
        "en": "More than one face is in the photo. Make sure you are alone in the picture.",
        "zh": "照片中有多张人脸，请确保画面中只有您一人。",
    },
    "face_cut_off": {
        "en": "Part of your face is outside the picture. Move back so that your whole face "
        "is in the frame.",
        "zh": "您的脸部有一部分在画面之外，请后退一些，让整张脸都在画面内。",
    },
    "face_too_small": {
        "en": "Your face is too small in the photo. Move closer to the camera.",
        "zh": "照片中的人脸太小，请靠近镜头。",
    },
    "blurred": {
        "en": "The photo is blurred. Hold the camera still and try again.",
        "zh": "照片模糊，请保持镜头稳定后重新拍摄。",
    },
    "not_same_person": {
        "en": "The face does not match the verified person. Try again, or ask the court for "
        "identity verification in person.",
        "zh": "人脸与已核验的身份不一致。请重试，或联系法院线下核验身份。",
    },
    "unreadable_image": {
        "en": "The file is not a photo we can read. Please send a JPEG or PNG picture.",
        "zh": "无法读取该文件，请上传JPEG或PNG格式的照片。",
    },
    "encoder_busy": {
        "en": "Face checking is busy right now. Please try again in a minute.",
        "zh": "人脸核验繁忙，请稍后再试。",
    },
    # Liveness
    "challenge_expired": {
        "en": "The time for this check ran out. Please start the check again.",
        "zh": "本次检测已超时，请重新开始。",
    },
    "too_few_frames": {
        "en": "Too few pictures arrived. Keep the camera on until the check finishes.",
        "zh": "收到的画面太少，请保持摄像头开启直到检测结束。",
    },
    "face_lost": {
        "en": "Your face left the picture during the check. Stay in view and try again.",
        "zh": "检测过程中您的脸离开了画面，请保持在画面内重试。",
    },
    "face_mismatch": {
        "en": "The face changed during the check. The verified person must do the check alone.",
        "zh": "检测过程中人脸发生变化，须由已核验本人独自完成检测。",
    },
    "no_movement": {
        "en": "We did not see your head turn. Turn your head as asked and try again.",
        "zh": "未检测到转头动作，请按提示转头后重试。",
    },
    "wrong_direction": {
        "en": "You turned the other way. Please turn your head in the direction asked.",
        "zh": "转头方向不对，请按提示的方向转头。",
    },
    "no_blink": {
        "en": "We did not see you blink. Blink once, slowly, and try again.",
        "zh": "未检测到眨眼，请缓慢眨一次眼后重试。",
    },
    "flat_face": {
        "en": "We could not see a real head turning. Turn your own head slowly as asked, a little "
        "further; do not hold up a photo or a screen.",
        "zh": "未检测到真实的头部转动。请按提示缓慢转动您本人的头部，幅度稍大一些；不要对着镜头举照片或屏幕。",
    },
}


def message(key: str, language: Language) -> str:
    """The text for an error key; a missing key is a bug and raises KeyError."""
    return MESSAGES[key][language]
