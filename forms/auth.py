"""Sign-up, login and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from forms.common import PASSWORD_MIN, no_control_characters, strip

EMAIL_MESSAGE = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."


def new_password_field() -> PasswordField:
    return PasswordField(
        "Mot de passe",
        validators=[
            InputRequired("Choisissez un mot de passe."),
            Length(
                min=PASSWORD_MIN,
                max=200,
                message=f"Le mot de passe doit contenir au moins {PASSWORD_MIN} caractères.",
            ),
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
    password = new_password_field()
    password_confirm = password_confirm_field()
