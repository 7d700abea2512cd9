"""推荐上报: recommending honorees to provincial and national lists and recording outcomes."""
