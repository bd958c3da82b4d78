"""Issue #16 finding 5: long but guessable passwords (repeats, keyboard rows, few distinct characters) are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", [
    "passwordpassword", "qwertyuiopasdf", "aaaaaaaaaaaaaa", "abababababab", "123412341234",
    "asdfghjkl;zxcv", "1qaz2wsx3edc4rfv", "abcdefghijklmn", "zyxwvutsrqponm", "Summer2024Summer2024",
])
def test_guessable_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "Tr0ub4dor&3-fence", "gq7-Vz2m!Lp9xw", "wintersun over the dunes",
])
def test_sound_passwords_pass(password):
    validate_password(password)
