from musichub.core.markdown import render_markdown


def test_markdown_becomes_html():
    assert render_markdown("**loud** and [clear](https://example.org)") == (
        '<p><strong>loud</strong> and <a href="https://example.org" rel="noopener noreferrer nofollow">clear</a></p>'
    )


def test_scripts_and_javascript_links_are_never_served_back():
    html = render_markdown(
        '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
