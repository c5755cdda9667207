"""flask user create / list / set-password / delete."""

from __future__ import annotations

from .conftest import PASSWORD, sign_in


def test_create_with_a_prompted_password(runner, anon_client):
    result = runner.invoke(args=["user", "create", "dana"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "created user dana" in result.output
    assert PASSWORD not in result.output
    assert sign_in(anon_client, "dana").url == "/notes/"


def test_create_from_stdin_for_scripts(runner, anon_client):
    result = runner.invoke(args=["user", "create", "eve", "--password-stdin"], input=PASSWORD)
    assert result.exit_code == 0, result.output
    assert sign_in(anon_client, "eve").url == "/notes/"


def test_create_refuses_what_sign_up_refuses(runner, user):
    taken = runner.invoke(args=["user", "create", "ALICE", "--password-stdin"], input=PASSWORD)
    assert taken.exit_code != 0
    assert "taken" in taken.output
    weak = runner.invoke(args=["user", "create", "fred", "--password-stdin"], input="qwerty123456")
    assert weak.exit_code != 0
    assert "most common" in weak.output


def test_list_shows_users_and_their_notes(runner, make_notes):
    make_notes(2)
    result = runner.invoke(args=["user", "list"])
    assert result.exit_code == 0
    assert result.output.startswith("alice\t")
    assert result.output.rstrip().endswith("2 notes")


def test_set_password_signs_out_and_lets_the_new_one_in(runner, client, anon_client):
    result = runner.invoke(
        args=["user", "set-password", "alice", "--password-stdin"], input="brand new passphrase"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/notes/").status_code == 303
    assert sign_in(anon_client, "alice", "brand new passphrase").url == "/notes/"
    missing = runner.invoke(args=["user", "set-password", "nobody", "--password-stdin"], input="x")
    assert missing.exit_code != 0
    assert "no user 'nobody'" in missing.output


def test_delete_asks_first(runner, client, make_notes):
    make_notes(2)
    kept = runner.invoke(args=["user", "delete", "alice"], input="n\n")
    assert kept.exit_code != 0
    assert client.get("/notes/").status_code == 200
    gone = runner.invoke(args=["user", "delete", "alice"], input="y\n")
    assert gone.exit_code == 0, gone.output
    assert "deleted user alice and 2 notes" in gone.output
    assert client.get("/notes/").status_code == 303
