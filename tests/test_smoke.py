from tests.personas import Personas


def test_personas_build(personas: Personas) -> None:
    assert personas.gd.actor.province_id == personas.gd_school_obj.province_id
    assert personas.ministry.actor.is_national
