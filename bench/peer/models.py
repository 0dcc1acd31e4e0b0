from django.db import models


class Shelf(models.Model):
    name = models.CharField(max_length=60)

    class Meta:
        app_label = "peer"

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    published = models.DateField()

    class Meta:
        app_label = "peer"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
