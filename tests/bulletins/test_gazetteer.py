from loa.bulletins.gazetteer import gazetteer


def test_sixty_three_provinces_with_codes_regions_population():
    g = gazetteer()
    provinces = g.provinces()
    assert len(provinces) == 63
    assert len({p.code for p in provinces}) == 63
    tra_vinh = g.get("84")
    assert (tra_vinh.name, tra_vinh.full_name, tra_vinh.population) == ("Trà Vinh", "Tỉnh Trà Vinh", 1_009_900)
    assert g.regions[tra_vinh.region].name == "Đồng bằng sông Cửu Long"
    assert len(g.region_provinces("dbscl")) == 13
    assert {p.region for p in provinces} == set(g.regions)
    assert sum(p.population for p in provinces) == 97_582_600  # GSO 2020, thousands rounded per province
    assert g.get("79").full_name == "Thành phố Hồ Chí Minh"


def test_districts_of_tra_vinh():
    names = {d.code: d.full_name for d in gazetteer().districts("84")}
    assert names == {
        "842": "Thành phố Trà Vinh",
        "844": "Huyện Càng Long",
        "845": "Huyện Cầu Kè",
        "846": "Huyện Tiểu Cần",
        "847": "Huyện Châu Thành",
        "848": "Huyện Cầu Ngang",
        "849": "Huyện Trà Cú",
        "850": "Huyện Duyên Hải",
        "851": "Thị xã Duyên Hải",
    }


def test_name_variants_resolve_to_one_unit():
    g = gazetteer()
    for name in ["Hồ Chí Minh city", "TP. HCM", "TP HCM", "Thành phố Hồ Chí Minh", "Ho Chi Minh City", "tphcm", "79"]:
        assert g.resolve(name).code == "79", name
    for name in ["Thừa Thiên - Huế", "Thua Thien Hue", "Thừa Thiên Huế", "Thua Thien-Hue"]:
        assert g.resolve(name).code == "46", name
    for name in ["Trà Vinh", "Tra Vinh", "TRA VINH", "Tỉnh Trà Vinh", "tinh tra vinh"]:
        assert g.resolve(name).code == "84", name
    assert g.resolve("Hoà Bình").code == g.resolve("Hòa Bình").code == "17"
    assert g.resolve("Đăk Nông").code == g.resolve("Dak Nong").code == "67"
    assert g.resolve("Bà Rịa - Vũng Tàu").code == g.resolve("Ba Ria Vung Tau").code == "77"
    assert g.resolve("Cả nước").code == "00"


def test_districts_need_their_province_and_ambiguity_is_not_guessed():
    g = gazetteer()
    assert g.resolve("Cầu Ngang") is None  # a district name alone is not a province
    assert g.resolve("Cầu Ngang", within="84").code == "848"
    assert g.resolve("Cau Ngang, Tra Vinh").code == "848"
    assert g.resolve("Thành phố Trà Vinh", within="84").code == "842"
    assert g.resolve("Duyên Hải, Trà Vinh") is None  # both a district and a town
    assert g.resolve("Thị xã Duyên Hải, Trà Vinh").code == "851"


def test_unknown_names_are_reported_with_suggestions_never_guessed():
    g = gazetteer()
    assert g.resolve("Tra Vinhh") is None
    assert g.resolve("Atlantis") is None
    assert [u.name for u in g.suggest("Tra Vinhh")] == ["Trà Vinh"]
    assert g.suggest("Atlantis") == []
