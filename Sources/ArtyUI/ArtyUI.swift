// ArtyUI
