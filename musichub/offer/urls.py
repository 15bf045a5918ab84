"""URLs of the offer: the public finder (/opportunities/) and the management areas."""

from .views import urlpatterns as finder_urls
from .views_allocation import urlpatterns as allocation_urls
from .views_attendance import urlpatterns as attendance_urls
from .views_dropouts import urlpatterns as dropout_urls
from .views_joining import urlpatterns as joining_urls
from .views_manage import urlpatterns as manage_urls
from .views_messages import urlpatterns as message_urls
from .views_registers import urlpatterns as register_urls
from .views_walkins import urlpatterns as walk_in_urls
from .views_wholeclass import urlpatterns as whole_class_urls

app_name = "offer"

urlpatterns = (
    finder_urls
    + manage_urls
    + allocation_urls
    + joining_urls
    + attendance_urls
    + register_urls
    + dropout_urls
    + message_urls
    + whole_class_urls
    + walk_in_urls
)
