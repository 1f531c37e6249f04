"""Sign-up, login and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, Form, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, StopValidation

from forms.common import PASSWORD_MIN, no_control_characters, strip
from vae.auth.passwords import TOO_SHORT, user_words, weakness

EMAIL_MESSAGE = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."

PERSONAL_FIELDS = ("first_name", "last_name", "email")


def not_guessable(form: Form, field: Field) -> None:
    """Refuse a common or trivial password; the person's names and address count as known.

    They come from the form's own fields (sign-up) or from ``form.known_words`` (set by the view
    for an existing account).
    """
    if len(field.data or "") < PASSWORD_MIN:
        return  # the length rule says it already
    values = [getattr(getattr(form, name, None), "data", None) for name in PERSONAL_FIELDS]
    words = user_words(*values) + list(getattr(form, "known_words", []))
    problem = weakness(field.data or "", words)
    if problem:
        raise StopValidation(problem)


def new_password_field() -> PasswordField:
    return PasswordField(
        "Mot de passe",
        validators=[
            InputRequired("Choisissez un mot de passe."),
            Length(
                min=PASSWORD_MIN,
                max=200,
                message=TOO_SHORT,
            ),
            not_guessable,
        ],
        description=f"Au moins {PASSWORD_MIN} caractères. Une phrase facile à retenir convient.",
    )


def password_confirm_field() -> PasswordField:
    return PasswordField(
        "Confirmez le mot de passe",
        validators=[
            InputRequired("Saisissez à nouveau le mot de passe."),
            EqualTo("password", message="Les deux mots de passe ne sont pas identiques."),
        ],
    )


class SignupForm(FlaskForm):
    first_name = StringField(
        "Prénom",
        filters=[strip],
        validators=[
            InputRequired("Indiquez votre prénom."),
            Length(max=100, message="100 caractères au plus."),
            no_control_characters,
        ],
    )
    last_name = StringField(
        "Nom",
        filters=[strip],
        validators=[
            InputRequired("Indiquez votre nom."),
            Length(max=100, message="100 caractères au plus."),
            no_control_characters,
        ],
    )
    email = EmailField(
        "Adresse électronique",
        filters=[strip],
        validators=[
            InputRequired("Indiquez votre adresse électronique."),
            Email(EMAIL_MESSAGE),
            Length(max=254, message="254 caractères au plus."),
        ],
        description="Un lien de confirmation vous sera envoyé à cette adresse.",
    )
    password = new_password_field()
    password_confirm = password_confirm_field()


class LoginForm(FlaskForm):
    email = EmailField(
        "Adresse électronique",
        filters=[strip],
        validators=[InputRequired("Indiquez votre adresse électronique."), Length(max=254)],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[InputRequired("Indiquez votre mot de passe."), Length(max=200)],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Adresse électronique",
        filters=[strip],
        validators=[
            InputRequired("Indiquez votre adresse électronique."),
            Email(EMAIL_MESSAGE),
            Length(max=254),
        ],
    )


class ResetPasswordForm(FlaskForm):
    """``known_words``: the account's names and address, refused as a password."""

    known_words: list[str] = []  # set per request by the view
    password = new_password_field()
    password_confirm = password_confirm_field()
